package tandem.node.member;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The last log lines of this process, kept in memory so {@code tandem logs --member} can show them
 * through any node: a worker has no log file of its own (it writes to its node's, or wherever the
 * user who started it sent its output). Configured in {@code config/logback.xml} beside the console
 * appender; a line here is one log event, with its stack trace, as the pattern formats it.
 *
 * <p>It keeps at most {@code maxLines} events and {@code maxBytes} of their UTF-8 text, whichever
 * is reached first, dropping the oldest. Each event gets the next sequence number, so a reader asks
 * for what came after the last one it saw and learns how many it missed. An event's text is made
 * outside the lock (hence the unsynchronized base, unlike {@code AppenderBase}, whose lock would
 * cover the formatting too); the lock covers only adding and dropping entries, so logging threads
 * never wait on each other's formatting or on a reader for more than a copy of 1,000 references.
 */
public final class RecentLog extends UnsynchronizedAppenderBase<ILoggingEvent> {
  /** One event longer than this is cut, so a huge message cannot push out all the others at once. */
  static final int MAX_EVENT_CHARS = 16 * 1024;

  private int maxLines = 1000;
  private int maxBytes = 256 * 1024;
  private String pattern = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{20} - %msg%n%ex{30}";
  private PatternLayout layout;

  private final Object lock = new Object();
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long bytes;
  private long last;

  private record Entry(long seq, String text, int bytes) {}

  /**
   * What a reader gets: the newest lines after its sequence number, the sequence number to pass
   * next time, and how many lines after its number this answer leaves out (dropped from memory, or
   * beyond the count it asked for).
   */
  public record Tail(List<String> lines, long next, long missed) {}

  /** The most events kept (logback.xml {@code <maxLines>}). */
  public void setMaxLines(int maxLines) {
    this.maxLines = maxLines;
  }

  /** The most UTF-8 bytes of event text kept (logback.xml {@code <maxBytes>}). */
  public void setMaxBytes(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** How an event is written, as for the console (logback.xml {@code <pattern>}). */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public int getMaxLines() {
    return maxLines;
  }

  public int getMaxBytes() {
    return maxBytes;
  }

  public String getPattern() {
    return pattern;
  }

  @Override
  public void start() {
    if (maxLines < 1 || maxBytes < 1) {
      addError("RecentLog needs maxLines and maxBytes of at least 1");
      return;
    }
    layout = new PatternLayout();
    layout.setContext(getContext());
    layout.setPattern(pattern);
    layout.start();
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    if (layout != null) {
      layout.stop();
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    String text = bounded(stripNewline(layout.doLayout(event)));
    int size = utf8Length(text);
    synchronized (lock) {
      entries.addLast(new Entry(++last, text, size));
      bytes += size;
      while (entries.size() > maxLines || (bytes > maxBytes && entries.size() > 1)) {
        bytes -= entries.removeFirst().bytes();
      }
    }
  }

  /**
   * The newest {@code lines} events (at most) whose sequence number is above {@code after};
   * {@code next} is the newest sequence number so far (0 before the first event).
   */
  public Tail after(long after, int lines) {
    List<String> out = new ArrayList<>();
    long newest;
    synchronized (lock) {
      newest = last;
      Iterator<Entry> back = entries.descendingIterator();
      while (back.hasNext() && out.size() < lines) {
        Entry e = back.next();
        if (e.seq() <= after) {
          break;
        }
        out.add(e.text());
      }
    }
    java.util.Collections.reverse(out);
    long written = Math.max(0, newest - Math.max(0, after));
    return new Tail(List.copyOf(out), newest, written - out.size());
  }

  /** The RecentLog appender on Logback's root logger in this process, if its configuration has one. */
  public static Optional<RecentLog> installed() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return Optional.empty();
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof RecentLog recent && recent.isStarted()) {
        return Optional.of(recent);
      }
    }
    return Optional.empty();
  }

  private static String stripNewline(String text) {
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    return text.substring(0, end);
  }

  private static String bounded(String text) {
    if (text.length() <= MAX_EVENT_CHARS) {
      return text;
    }
    return text.substring(0, MAX_EVENT_CHARS) + " [... " + (text.length() - MAX_EVENT_CHARS) + " more characters]";
  }

  /** The UTF-8 length without encoding: 1, 2 or 3 bytes a char, 4 for a surrogate pair. */
  static int utf8Length(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
