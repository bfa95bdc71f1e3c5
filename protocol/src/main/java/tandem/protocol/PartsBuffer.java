package tandem.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Collects the {@link Parts} of payloads until the message that refers to them arrives. Bounded: a
 * payload growing past the cap is dropped and remembered as too large, so a rogue or broken sender
 * cannot fill the receiver's heap. Not thread-safe: one actor owns it.
 *
 * @param <K> what identifies one payload, e.g. its task and who sends it
 */
public final class PartsBuffer<K> {
  private final long capBytes;
  private final Map<K, Pending> pending = new HashMap<>();

  private static final class Pending {
    final List<byte[]> parts = new ArrayList<>();
    long bytes;
    int count;
    boolean overCap;
  }

  /** The outcome of {@link #take}: the whole payload, or why there is none. */
  public record Assembled(byte[] payload, String error) {}

  public PartsBuffer(long capBytes) {
    this.capBytes = capBytes;
  }

  public void add(K key, byte[] part) {
    Pending p = pending.computeIfAbsent(key, k -> new Pending());
    p.count++;
    p.bytes += part.length;
    if (p.overCap || p.bytes > capBytes) {
      p.overCap = true;
      p.parts.clear();
    } else {
      p.parts.add(part);
    }
  }

  /** The payload of {@code expected} parts sent under {@code key}, which is forgotten afterwards. */
  public Assembled take(K key, int expected, String what) {
    Pending p = pending.remove(key);
    int got = p == null ? 0 : p.count;
    if (p != null && p.overCap) {
      return new Assembled(null, Parts.overCapReason(what, p.bytes, capBytes));
    }
    if (got != expected) {
      return new Assembled(null, what + " arrived incomplete (" + got + " of " + expected + " parts)");
    }
    // Joined once, into an array of exactly the right size.
    byte[] whole = new byte[Math.toIntExact(p.bytes)];
    int at = 0;
    for (byte[] part : p.parts) {
      System.arraycopy(part, 0, whole, at, part.length);
      at += part.length;
    }
    return new Assembled(whole, null);
  }

  /** Forgets the parts of senders that are gone. */
  public void dropIf(Predicate<K> gone) {
    pending.keySet().removeIf(gone);
  }

  /** How many payloads are being collected. */
  public int size() {
    return pending.size();
  }
}
