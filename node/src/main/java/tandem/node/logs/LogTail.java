package tandem.node.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import tandem.protocol.TaskLog;

/**
 * The last bytes a job (or one task of it) wrote, up to a cap: older bytes are dropped as new ones
 * come, and counted. Every byte has an offset, counted from the first byte ever written, so a
 * reader that asks for what came after offset N (e.g. {@code tandem logs --follow}) gets only
 * that, and learns how much it missed. Text is kept in pieces, each written by one element of a
 * map (or -1 for a job of one run), so a map element's output can be found by its index.
 * Thread-safe: a job's thread writes while a reader or the worker's flush reads.
 */
public final class LogTail implements LogSink {
  /** What a piece costs beyond its bytes, counted against the cap so a million one-byte writes stay bounded. */
  static final int PIECE_OVERHEAD = 48;

  private final long cap;
  /** Told how much more (or, negative, less) this tail holds, for a node's total. */
  private final LongConsumer held;
  // Small to start: every task in a worker has a tail, and most write nothing.
  private final ArrayDeque<Piece> pieces = new ArrayDeque<>(2);
  /** The offset of the first byte kept. */
  private long start;
  /** The offset after the last byte written. */
  private long end;
  /** What the pieces hold, bytes and overhead. */
  private long size;
  /** Bytes dropped since the last {@link #drain}. */
  private long droppedSinceDrain;

  private static final class Piece {
    final long element;
    long offset;
    byte[] bytes;
    int length;

    Piece(long element, long offset, int capacity) {
      this.element = element;
      this.offset = offset;
      this.bytes = new byte[Math.max(64, capacity)];
    }
  }

  /** @param cap the most bytes kept */
  public LogTail(long cap) {
    this(cap, delta -> {});
  }

  public LogTail(long cap, LongConsumer held) {
    this.cap = cap;
    this.held = held;
  }

  @Override
  public void write(long element, byte[] bytes, int offset, int length) {
    long delta;
    synchronized (this) {
      delta = append(element, bytes, offset, length);
    }
    held.accept(delta); // outside the lock: the node's total may clear another tail
  }

  /** Appends, trims, and returns how much more this tail holds. */
  private long append(long element, byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return 0;
    }
    long before = size;
    if (length >= cap) { // only its end can be kept, and nothing before it
      long skip = length - cap;
      drop(end - start + skip);
      pieces.clear();
      size = 0;
      end += skip;
      start = end;
      offset += (int) skip;
      length = (int) cap;
    }
    Piece last = pieces.peekLast();
    if (last == null || last.element != element) {
      last = new Piece(element, end, Math.min(length, (int) Math.min(cap, 1 << 16)));
      pieces.add(last);
      size += PIECE_OVERHEAD;
    }
    if (last.length + length > last.bytes.length) {
      last.bytes = Arrays.copyOf(last.bytes, Math.max(last.length + length, last.bytes.length * 2));
    }
    System.arraycopy(bytes, offset, last.bytes, last.length, length);
    last.length += length;
    end += length;
    size += length;
    trim();
    return size - before;
  }

  /** Writes {@code text} as UTF-8. */
  public void write(long element, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    write(element, bytes, 0, bytes.length);
  }

  /**
   * {@code bytes} were written and dropped before they reached this tail (a worker drops what a
   * task writes beyond its cap between two sends): they count in the offsets, and since they are
   * newer than everything kept, that goes too.
   */
  public void skip(long bytes) {
    long before;
    synchronized (this) {
      before = size;
      drop(end - start + bytes);
      pieces.clear();
      end += bytes;
      start = end;
      size = 0;
    }
    held.accept(-before);
  }

  /** Drops everything kept (counted as dropped), e.g. when a node's logs outgrow its total. */
  public void clear() {
    long before;
    synchronized (this) {
      before = size;
      drop(end - start);
      pieces.clear();
      start = end;
      size = 0;
    }
    held.accept(-before);
  }

  /** Drops the oldest bytes until what is kept fits the cap. */
  private void trim() {
    while (size > cap && !pieces.isEmpty()) {
      Piece head = pieces.peekFirst();
      long excess = size - cap;
      if (head.length <= excess) {
        pieces.pollFirst();
        size -= head.length + PIECE_OVERHEAD;
        drop(head.length);
        start += head.length;
      } else {
        int cut = (int) excess;
        head.bytes = Arrays.copyOfRange(head.bytes, cut, head.length);
        head.length -= cut;
        head.offset += cut;
        size -= cut;
        drop(cut);
        start += cut;
      }
    }
  }

  private void drop(long bytes) {
    droppedSinceDrain += bytes;
  }

  /**
   * Takes everything kept since the last drain, as a worker sends it to the task's node: pieces by
   * element (a position in the task's chunk) and how many bytes were dropped before them.
   */
  public TaskLog drain() {
    TaskLog log;
    long before;
    synchronized (this) {
      if (pieces.isEmpty() && droppedSinceDrain == 0) {
        return new TaskLog(0, List.of());
      }
      before = size;
      log = drained();
    }
    held.accept(-before);
    return log;
  }

  private TaskLog drained() {
    List<TaskLog.Piece> out = new ArrayList<>(pieces.size());
    for (Piece piece : pieces) {
      out.add(new TaskLog.Piece((int) piece.element, new String(piece.bytes, 0, piece.length, StandardCharsets.UTF_8)));
    }
    TaskLog log = new TaskLog(droppedSinceDrain, out);
    pieces.clear();
    start = end;
    size = 0;
    droppedSinceDrain = 0;
    return log;
  }

  /**
   * What was written from offset {@code from} on, of one element when {@code element} is not null.
   *
   * @return the pieces, the offset to read from next time, and how many bytes after {@code from}
   *     were dropped before anyone read them
   */
  public synchronized Slice read(long from, Long element) {
    long skipped = Math.max(0, start - Math.max(0, from));
    List<Slice.Text> texts = new ArrayList<>();
    for (Piece piece : pieces) {
      long pieceEnd = piece.offset + piece.length;
      if (pieceEnd <= from || (element != null && piece.element != element)) {
        continue;
      }
      int skip = (int) Math.max(0, from - piece.offset);
      texts.add(new Slice.Text(piece.element, new String(piece.bytes, skip, piece.length - skip, StandardCharsets.UTF_8)));
    }
    return new Slice(texts, end, skipped);
  }

  /** Bytes written since the first, kept or not. */
  public synchronized long written() {
    return end;
  }

  /** What {@link #read} found. */
  public record Slice(List<Text> texts, long next, long skipped) {
    /** Text an element wrote (-1: a job of one run). */
    public record Text(long element, String text) {}
  }
}
