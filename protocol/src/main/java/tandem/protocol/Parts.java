package tandem.protocol;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * How a payload too large for one Artery frame crosses the wire: cut into parts, each sent as its
 * own message ahead of the message that refers to it. Messages from one actor to another arrive in
 * the order they were sent, so the receiver has every part when the referring message arrives.
 */
public final class Parts {
  private Parts() {}

  /** The most bytes one part carries: below {@code tandem.wire.max-message-bytes}, with room for the envelope. */
  public static int maxBytes(long maxMessageBytes) {
    return (int) Math.max(1024, maxMessageBytes - 4096);
  }

  /**
   * The most characters of text one message carries: Kryo writes a character as at most three
   * bytes of UTF-8, so such a text stays below {@code tandem.wire.max-message-bytes}.
   */
  public static int maxChars(long maxMessageBytes) {
    return (int) Math.max(1024, (maxMessageBytes - 4096) / 3);
  }

  /** Whether {@code text} is too long for one message. */
  public static boolean needed(String text, int maxChars) {
    return text != null && text.length() > maxChars;
  }

  /** Whether {@code payload} needs cutting into parts. */
  public static boolean needed(byte[] payload, int maxBytes) {
    return payload != null && payload.length > maxBytes;
  }

  /**
   * Sends {@code payload} ahead in parts through {@code send} when it is too large for one message.
   *
   * @return how many parts went, or 0 when the payload fits in its own message
   */
  public static int sendAhead(byte[] payload, int maxBytes, Consumer<byte[]> send) {
    return needed(payload, maxBytes) ? sendInParts(payload, maxBytes, send) : 0;
  }

  /**
   * Sends {@code payload} ahead in parts of at most {@code maxBytes} (one, when it fits one), e.g.
   * when it fits a message alone but not beside the others of a batch.
   *
   * @return how many parts went
   */
  public static int sendInParts(byte[] payload, int maxBytes, Consumer<byte[]> send) {
    // Cut and sent one at a time: a list of all parts would be a second whole copy of a payload
    // that may be as large as the payload cap, alive until the last part is sent.
    int count = 0;
    for (int start = 0; start < payload.length; start += maxBytes) {
      send.accept(Arrays.copyOfRange(payload, start, Math.min(payload.length, start + maxBytes)));
      count++;
    }
    return count;
  }

  /**
   * Which payloads of one message travel ahead in parts: each that would take the message past
   * {@code maxBytes} beside the payloads kept in it so far. Several tasks (or results) share one
   * message, and each fitting alone does not make them fit together. Not thread-safe.
   */
  public static final class Batch {
    private final int maxBytes;
    private long kept;

    public Batch(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    /**
     * Sends {@code payload} ahead in parts when it does not fit beside what the message holds.
     *
     * @return how many parts went, or 0 when the payload stays in the message
     */
    public int sendAheadIfFull(byte[] payload, Consumer<byte[]> send) {
      if (payload == null) {
        return 0;
      }
      if (kept + payload.length > maxBytes) {
        return sendInParts(payload, maxBytes, send);
      }
      kept += payload.length;
      return 0;
    }
  }

  /** The one line that says {@code what}, of {@code bytes}, is over {@code cap}, and what to do. */
  public static String overCapReason(String what, long bytes, long cap) {
    return what + " is " + bytes + " bytes, over the cap of " + cap
        + " bytes (tandem.wire.max-payload-bytes); return less, or raise the cap on every node and worker";
  }
}
