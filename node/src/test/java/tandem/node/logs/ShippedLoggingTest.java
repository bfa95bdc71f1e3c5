package tandem.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.node.member.RecentLog;

class ShippedLoggingTest {
  /** The repository's file, which the build copies into the distribution and into this module's jar. */
  private static final Path CONFIG = Path.of("../config/logback.xml");

  @Test
  @DisplayName("the code sets up what config/logback.xml says: the same levels, appenders, patterns and limits")
  void codeSaysWhatTheFileSays() throws Exception {
    LoggerContext fromFile = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(fromFile);
    joran.doConfigure(CONFIG.toFile());
    LoggerContext fromCode = new LoggerContext();
    ShippedLogging.apply(fromCode);
    assertEquals(describe(fromFile), describe(fromCode));
    assertTrue(describe(fromCode).size() > 6, "levels and both appenders: " + describe(fromCode));
  }

  @Test
  @DisplayName("only the file as shipped is set up in code; an edited one, a missing one or none is left to logback")
  void onlyTheFileAsShipped(@TempDir Path dir) throws Exception {
    assertTrue(ShippedLogging.asShipped(CONFIG.toString()), "the jar holds config/logback.xml as it is");
    Path edited = dir.resolve("logback.xml");
    Files.writeString(edited, Files.readString(CONFIG).replace("<logger name=\"tandem\" level=\"INFO\"/>",
        "<logger name=\"tandem\" level=\"DEBUG\"/>"));
    assertFalse(ShippedLogging.asShipped(edited.toString()));
    assertFalse(ShippedLogging.asShipped(dir.resolve("missing.xml").toString()));
    assertFalse(ShippedLogging.asShipped(dir.toString()), "a folder");
  }

  private static List<String> describe(LoggerContext context) {
    List<String> out = new ArrayList<>();
    for (Logger logger : context.getLoggerList()) {
      if (logger.getLevel() != null || !logger.isAdditive()) {
        out.add(logger.getName() + " " + logger.getLevel() + (logger.isAdditive() ? "" : " not additive"));
      }
      for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
        out.add(logger.getName() + " -> " + appender(it.next()));
      }
    }
    return out;
  }

  private static String appender(Appender<ILoggingEvent> appender) {
    String what = appender.getName() + " " + appender.getClass().getName() + " started=" + appender.isStarted();
    if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
      return what + " " + console.getTarget() + " " + ((PatternLayoutEncoder) console.getEncoder()).getPattern();
    }
    if (appender instanceof RecentLog recent) {
      return what + " " + recent.getMaxLines() + " " + recent.getMaxBytes() + " " + recent.getPattern();
    }
    return what;
  }
}
