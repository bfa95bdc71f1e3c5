package tandem.protocol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Collects the {@link Parts} of texts until the message that refers to them arrives. Bounded: a
 * text growing past the cap is dropped and remembered as too large, so a rogue or broken sender
 * cannot fill the receiver's heap. Not thread-safe: one actor owns it.
 *
 * @param <K> what identifies one text, e.g. its task and who sends it
 */
public final class PartsBuffer<K> {
  private final long capChars;
  private final Map<K, Pending> pending = new HashMap<>();

  private static final class Pending {
    final StringBuilder text = new StringBuilder();
    int parts;
    boolean overCap;
  }

  /** The outcome of {@link #take}: the whole text, or why there is none. */
  public record Assembled(String text, String error) {}

  public PartsBuffer(long capChars) {
    this.capChars = capChars;
  }

  public void add(K key, String part) {
    Pending p = pending.computeIfAbsent(key, k -> new Pending());
    p.parts++;
    if (p.overCap || p.text.length() + (long) part.length() > capChars) {
      p.overCap = true;
      p.text.setLength(0);
      p.text.trimToSize();
    } else {
      p.text.append(part);
    }
  }

  /** The text of {@code expected} parts sent under {@code key}, which is forgotten afterwards. */
  public Assembled take(K key, int expected, String what) {
    Pending p = pending.remove(key);
    int got = p == null ? 0 : p.parts;
    if (p != null && p.overCap) {
      return new Assembled(null, what + " is over the cap of " + capChars
          + " characters (tandem.wire.max-payload-bytes); send less, or raise the cap on every node and worker");
    }
    if (got != expected) {
      return new Assembled(null, what + " arrived incomplete (" + got + " of " + expected + " parts)");
    }
    return new Assembled(p.text.toString(), null);
  }

  /** Forgets the parts of senders that are gone. */
  public void dropIf(Predicate<K> gone) {
    pending.keySet().removeIf(gone);
  }

  /** How many texts are being collected. */
  public int size() {
    return pending.size();
  }
}
