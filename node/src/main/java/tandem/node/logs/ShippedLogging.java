package tandem.node.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import tandem.node.member.RecentLog;

/**
 * Sets logging up as the distribution's {@code config/logback.xml} says, without reading it, when
 * that file is the one this process was given ({@code -Dlogback.configurationFile}, as
 * {@code bin/tandem} and the launcher pass it) and it is as shipped. Logback's XML configuration
 * loads about 400 classes (its configuration model and the JDK's XML parser): in a worker started
 * with class loading logged, logback's start took 226 ms with them and about 60 ms without. An
 * edited file, or any other, is read by logback as usual (this configurator steps aside). Found by
 * logback through {@code ServiceLoader}.
 */
public final class ShippedLogging extends ContextAwareBase implements Configurator {
  /** {@code config/logback.xml} as built into this jar (node/pom.xml), to tell it from an edited one. */
  static final String SHIPPED = "tandem/shipped/logback.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String file = System.getProperty("logback.configurationFile");
    if (file == null || !asShipped(file)) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether {@code file} holds exactly what the distribution shipped as config/logback.xml. */
  static boolean asShipped(String file) {
    try (InputStream shipped = ShippedLogging.class.getClassLoader().getResourceAsStream(SHIPPED)) {
      return shipped != null && Arrays.equals(shipped.readAllBytes(), Files.readAllBytes(Path.of(file)));
    } catch (IOException | InvalidPathException | SecurityException unreadable) {
      return false; // logback then reads it (or says why it cannot), as without this class
    }
  }

  /** What config/logback.xml says, in code; ShippedLoggingTest holds the two to the same. */
  static void apply(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName("OUT");
    out.setEncoder(encoder);
    out.start();

    RecentLog recent = new RecentLog();
    recent.setContext(context);
    recent.setName("RECENT");
    recent.setMaxLines(1000);
    recent.setMaxBytes(262144);
    recent.setPattern("%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{20} - %msg%n%ex{30}");
    recent.start();

    context.getLogger("org.apache.pekko").setLevel(Level.WARN);
    context.getLogger("org.apache.pekko.cluster.sbr").setLevel(Level.INFO);
    context.getLogger("org.apache.pekko.stream.Materializer").setLevel(Level.ERROR);
    context.getLogger("tandem").setLevel(Level.INFO);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(out);
    root.addAppender(recent);
  }
}
