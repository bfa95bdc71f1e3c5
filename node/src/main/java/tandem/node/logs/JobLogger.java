package tandem.node.logs;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The SLF4J logger a job gets from {@code JobInput.log()}: each line, with its time and level,
 * goes to the job's own log (its capture), tagged with the element of a map that runs now, from
 * whichever thread the job logs. INFO and above are kept; a stack trace is cut after 20 frames.
 */
public final class JobLogger extends LegacyAbstractLogger {
  private static final int MAX_FRAMES = 20;
  private final transient TaskOutput.Capture capture;

  public JobLogger(String jobName, TaskOutput.Capture capture) {
    this.name = jobName;
    this.capture = capture;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
    StringBuilder line = new StringBuilder(64)
        .append(Instant.now()).append(' ').append(level).append(' ')
        .append(MessageFormatter.basicArrayFormat(pattern, args)).append('\n');
    if (error != null) {
      line.append(trace(error));
    }
    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
    capture.write(bytes, 0, bytes.length);
  }

  private static String trace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    String[] lines = out.toString().split("\n", MAX_FRAMES + 2);
    if (lines.length <= MAX_FRAMES + 1) {
      return out.toString();
    }
    return String.join("\n", java.util.Arrays.copyOf(lines, MAX_FRAMES + 1)) + "\n\t... (cut)\n";
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    return false;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}
