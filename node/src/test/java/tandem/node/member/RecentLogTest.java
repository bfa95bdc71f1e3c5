package tandem.node.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RecentLogTest {
  private final LoggerContext context = new LoggerContext();
  private final Logger log = context.getLogger("tandem.test.Thing");

  @AfterEach
  void stop() {
    context.stop();
  }

  private RecentLog ring(int maxLines, int maxBytes) {
    RecentLog ring = new RecentLog();
    ring.setContext(context);
    ring.setMaxLines(maxLines);
    ring.setMaxBytes(maxBytes);
    ring.start();
    log.addAppender(ring);
    return ring;
  }

  @Test
  @DisplayName("lines come formatted with date, level and logger, numbered from 1, the newest N on request")
  void keepsNumberedFormattedLines() {
    RecentLog ring = ring(1000, 256 * 1024);
    for (int i = 1; i <= 5; i++) {
      log.info("line {}", i);
    }
    RecentLog.Tail tail = ring.after(0, 2);
    assertEquals(2, tail.lines().size());
    assertTrue(tail.lines().get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  tandem\\.test\\.Thing - line 4"),
        tail.lines().get(0));
    assertTrue(tail.lines().get(1).endsWith("line 5"));
    assertEquals(5, tail.next());
    assertEquals(3, tail.missed(), "lines 1-3 after 0 were left out");
  }

  @Test
  @DisplayName("asking after the last sequence seen gives only newer lines, none missed")
  void afterGivesOnlyNewer() {
    RecentLog ring = ring(1000, 256 * 1024);
    log.info("old");
    long next = ring.after(0, 1000).next();
    assertEquals(List.of(), ring.after(next, 1000).lines());
    log.info("new");
    RecentLog.Tail tail = ring.after(next, 1000);
    assertEquals(1, tail.lines().size());
    assertTrue(tail.lines().get(0).endsWith("new"));
    assertEquals(0, tail.missed());
    assertEquals(next + 1, tail.next());
  }

  @Test
  @DisplayName("past maxLines the oldest go, and a reader behind learns how many it missed")
  void dropsOldestByCount() {
    RecentLog ring = ring(10, 256 * 1024);
    for (int i = 1; i <= 25; i++) {
      log.info("n{}", i);
    }
    RecentLog.Tail tail = ring.after(3, 1000);
    assertEquals(10, tail.lines().size());
    assertTrue(tail.lines().get(0).endsWith("n16"));
    assertEquals(25, tail.next());
    assertEquals(12, tail.missed(), "4..15 were dropped");
  }

  @Test
  @DisplayName("past maxBytes of UTF-8 the oldest go too, whichever bound comes first")
  void dropsOldestByBytes() {
    RecentLog ring = ring(1000, 2000);
    String text = "é".repeat(200); // 400 bytes of message each
    for (int i = 0; i < 20; i++) {
      log.info(text);
    }
    List<String> kept = ring.after(0, 1000).lines();
    int bytes = kept.stream().mapToInt(RecentLog::utf8Length).sum();
    assertTrue(bytes <= 2000, bytes + " bytes kept");
    assertTrue(kept.size() >= 3 && kept.size() < 5, kept.size() + " kept");
  }

  @Test
  @DisplayName("a stack trace is bounded in depth and an event in length")
  void boundsThrowablesAndHugeEvents() {
    RecentLog ring = ring(1000, 256 * 1024);
    log.warn("deep", deep(200));
    log.info("x".repeat(100_000));
    List<String> lines = ring.after(0, 1000).lines();
    assertTrue(lines.get(0).lines().count() < 40, lines.get(0).lines().count() + " lines of trace");
    assertTrue(lines.get(0).contains("IllegalStateException: bottom"));
    assertTrue(lines.get(1).length() < RecentLog.MAX_EVENT_CHARS + 100);
    assertTrue(lines.get(1).endsWith("more characters]"), lines.get(1).substring(lines.get(1).length() - 60));
  }

  private static RuntimeException deep(int depth) {
    return depth == 0 ? new IllegalStateException("bottom") : deep(depth - 1);
  }

  @Test
  @DisplayName("threads logging at once get distinct sequence numbers and memory stays bounded")
  void concurrentAppends() throws Exception {
    RecentLog ring = ring(100, 256 * 1024);
    AtomicBoolean failed = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 2000; i++) {
          log.info("t{} {}", id, i);
          if (ring.after(0, 1000).lines().size() > 100) {
            failed.set(true);
          }
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    RecentLog.Tail tail = ring.after(0, 1000);
    assertEquals(8000, tail.next());
    assertEquals(100, tail.lines().size());
    assertEquals(7900, tail.missed());
    assertTrue(!failed.get(), "never more than maxLines kept");
  }
}
