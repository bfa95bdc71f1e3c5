package tandem.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskOutputTest {

  private static String text(LogTail tail) {
    return tail.read(0, null).texts().stream().map(LogTail.Slice.Text::text).collect(Collectors.joining());
  }

  @Test
  void eachThreadsPrintsGoToItsOwnCaptureOnly() throws Exception {
    TaskOutput.install();
    LogTail a = new LogTail(100_000);
    LogTail b = new LogTail(100_000);
    CountDownLatch both = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<?> first = threads.submit(() -> print(a, "A", both));
      Future<?> second = threads.submit(() -> print(b, "B", both));
      first.get(30, TimeUnit.SECONDS);
      second.get(30, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    assertEquals("A\n".repeat(1000) + "A err\n", text(a));
    assertEquals("B\n".repeat(1000) + "B err\n", text(b));
  }

  private static Void print(LogTail tail, String what, CountDownLatch both) throws InterruptedException {
    try (TaskOutput.Capture capture = TaskOutput.begin(tail, -1)) {
      both.countDown();
      both.await(); // both threads print at once
      for (int i = 0; i < 1000; i++) {
        System.out.println(what);
      }
      System.err.println(what + " err");
    }
    System.out.println("not captured: " + what); // after close, to the console
    return null;
  }

  @Test
  void theJobsLoggerWritesUnderTheElementRunningNow() {
    LogTail tail = new LogTail(10_000);
    TaskOutput.Capture capture = TaskOutput.Capture.of(tail, 4);
    JobLogger log = new JobLogger("print", capture);
    log.info("value {} of {}", 1, "x");
    capture.element(5);
    log.warn("careful", new IllegalStateException("boom"));
    log.debug("not kept");
    var texts = tail.read(0, null).texts();
    assertEquals(4, texts.get(0).element());
    assertTrue(texts.get(0).text().endsWith(" INFO value 1 of x\n"), texts.get(0).text());
    assertEquals(5, texts.get(1).element());
    assertTrue(texts.get(1).text().contains(" WARN careful\njava.lang.IllegalStateException: boom"), texts.get(1).text());
    assertEquals(2, texts.size());
  }
}
