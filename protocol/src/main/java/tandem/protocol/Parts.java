package tandem.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * How text too large for one Artery frame crosses the wire: cut into parts, each sent as its own
 * message ahead of the message that refers to it. Messages from one actor to another arrive in
 * the order they were sent, so the receiver has every part when the referring message arrives.
 */
public final class Parts {
  private Parts() {}

  /**
   * The most characters one part carries: Kryo writes a character as at most three bytes of UTF-8,
   * so a part stays below {@code tandem.wire.max-message-bytes} with room for the envelope.
   */
  public static int maxChars(long maxMessageBytes) {
    return (int) Math.max(1024, (maxMessageBytes - 4096) / 3);
  }

  /** Whether {@code text} needs cutting into parts. */
  public static boolean needed(String text, int maxChars) {
    return text != null && text.length() > maxChars;
  }

  /** {@code text} in parts of at most {@code maxChars}, never splitting a surrogate pair. */
  public static List<String> split(String text, int maxChars) {
    List<String> parts = new ArrayList<>(text.length() / maxChars + 1);
    int start = 0;
    while (start < text.length()) {
      int end = partEnd(text, start, maxChars);
      parts.add(text.substring(start, end));
      start = end;
    }
    return parts;
  }

  /**
   * Sends {@code text} ahead in parts through {@code send} when it is too large for one message.
   *
   * @return how many parts went, or 0 when the text fits in its own message
   */
  public static int sendAhead(String text, int maxChars, java.util.function.Consumer<String> send) {
    if (!needed(text, maxChars)) {
      return 0;
    }
    // Cut and sent one at a time, not split into a list first: the list would be a second whole
    // copy of a text that may be as large as the payload cap, alive until the last part is sent.
    int count = 0;
    int start = 0;
    while (start < text.length()) {
      int end = partEnd(text, start, maxChars);
      send.accept(text.substring(start, end));
      start = end;
      count++;
    }
    return count;
  }

  /** Where the part that starts at {@code start} ends: at most {@code maxChars} on, never inside a surrogate pair. */
  private static int partEnd(String text, int start, int maxChars) {
    int end = Math.min(text.length(), start + maxChars);
    if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** The size of {@code text} in UTF-8, without encoding it. */
  public static long utf8Bytes(CharSequence text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * Why {@code text} may not cross between processes, in one line that says what to do; null when
   * its UTF-8 size is within {@code cap} (counted only when it could be over).
   */
  public static String overCap(String what, String text, long cap) {
    long bytes = text.length() * 3L <= cap ? text.length() : utf8Bytes(text);
    return bytes <= cap ? null : overCapReason(what, bytes, cap);
  }

  /** The one line that says {@code what}, of {@code bytes} in UTF-8, is over {@code cap}, and what to do. */
  public static String overCapReason(String what, long bytes, long cap) {
    return what + " is " + bytes + " bytes, over the cap of " + cap
        + " bytes (tandem.wire.max-payload-bytes); return less, or raise the cap on every node and worker";
  }
}
