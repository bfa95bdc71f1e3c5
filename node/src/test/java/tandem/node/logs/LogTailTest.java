package tandem.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tandem.protocol.TaskLog;

class LogTailTest {

  private static String text(LogTail.Slice slice) {
    return slice.texts().stream().map(LogTail.Slice.Text::text).collect(Collectors.joining());
  }

  @Test
  void keepsTheLastBytesAndCountsWhatItDropped() {
    LogTail tail = new LogTail(200);
    for (int i = 0; i < 100; i++) {
      tail.write(-1, String.format("line %03d\n", i)); // 9 bytes each
    }
    LogTail.Slice all = tail.read(0, null);
    String kept = text(all);
    assertTrue(kept.endsWith("line 099\n"), kept);
    assertTrue(kept.length() <= 200 - LogTail.PIECE_OVERHEAD, "kept " + kept.length());
    assertEquals(900, all.next());
    assertEquals(900 - kept.length(), all.skipped());
  }

  @Test
  void aReaderGetsOnlyWhatCameAfterItsOffset() {
    LogTail tail = new LogTail(1000);
    tail.write(-1, "one\n");
    long next = tail.read(0, null).next();
    tail.write(-1, "two\n");
    LogTail.Slice after = tail.read(next, null);
    assertEquals("two\n", text(after));
    assertEquals(0, after.skipped());
    assertEquals("", text(tail.read(after.next(), null)));
  }

  @Test
  void findsAnElementsOutputByItsIndex() {
    LogTail tail = new LogTail(1000);
    tail.write(0, "zero\n");
    tail.write(7, "seven a\n");
    tail.write(3, "three\n");
    tail.write(7, "seven b\n");
    assertEquals("seven a\nseven b\n", text(tail.read(0, 7L)));
    assertEquals(List.of(0L, 7L, 3L, 7L), tail.read(0, null).texts().stream().map(LogTail.Slice.Text::element).toList());
  }

  @Test
  void oneWriteLargerThanTheCapKeepsItsEnd() {
    LogTail tail = new LogTail(100);
    tail.write(-1, "x".repeat(50));
    tail.write(-1, "a".repeat(300) + "END");
    LogTail.Slice all = tail.read(0, null);
    assertTrue(text(all).endsWith("END"));
    assertTrue(text(all).length() <= 100);
    assertEquals(353, all.next());
    assertEquals(353 - text(all).length(), all.skipped());
  }

  @Test
  void manyTinyPiecesStayWithinTheCapWithTheirOverhead() {
    AtomicLong held = new AtomicLong();
    LogTail tail = new LogTail(10_000, held::addAndGet);
    for (int i = 0; i < 100_000; i++) {
      tail.write(i, "x");
    }
    assertTrue(held.get() <= 10_000, "held " + held.get());
    tail.clear();
    assertEquals(0, held.get());
  }

  @Test
  void drainHandsOverWhatCameSinceTheLastDrain() {
    LogTail tail = new LogTail(100);
    tail.write(0, "a\n");
    tail.write(2, "b\n");
    assertEquals(new TaskLog(0, List.of(new TaskLog.Piece(0, "a\n"), new TaskLog.Piece(2, "b\n"))), tail.drain());
    assertTrue(tail.drain().isEmpty());
    tail.write(1, "c".repeat(150));
    TaskLog over = tail.drain();
    int kept = 100 - LogTail.PIECE_OVERHEAD; // a piece's bookkeeping counts against the cap
    assertEquals(150 - kept, over.dropped());
    assertEquals("c".repeat(kept), over.pieces().get(0).text());
  }
}
