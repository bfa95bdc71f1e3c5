package tandem.node.worker;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import tandem.protocol.api.Json;

/**
 * A result's JSON text, written under the payload cap (tandem.wire.max-payload-bytes). The size
 * is counted in UTF-8 while Jackson writes; the moment the text passes the cap, what was kept is
 * dropped and the rest is only counted. So a result far over the cap (a 100 MB text in a 512 MB
 * worker) never gets a second full copy: building one, Jackson's own way, ran workers out of heap,
 * and each retry then killed another worker. The text is kept in pieces and joined once at the
 * end, so no buffer grows to twice the result's size on the way.
 */
final class CappedJson {
  private CappedJson() {}

  /** Pieces of this many characters are kept; a small result stays in the first. */
  private static final int PIECE_CHARS = 1 << 20;

  /**
   * The outcome: {@code text} when within the cap, else null; {@code bytes}, the whole text's
   * size in UTF-8 either way.
   */
  record Written(String text, long bytes) {
    boolean overCap() {
      return text == null;
    }
  }

  static Written write(JsonNode value, long capBytes) {
    CappingWriter out = new CappingWriter(capBytes);
    try {
      Json.MAPPER.writeValue(out, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a tree Tandem holds always writes
    }
    return new Written(out.text(), out.bytes);
  }

  /** Keeps what it is given until its UTF-8 size passes the cap; counts it all. */
  private static final class CappingWriter extends Writer {
    private final long capBytes;
    private final List<String> pieces = new ArrayList<>();
    private StringBuilder piece = new StringBuilder();
    private long bytes;
    private boolean over;
    /** A high surrogate ended the last write: its low half, next, adds nothing (the pair was counted as 4). */
    private boolean pairOpen;

    CappingWriter(long capBytes) {
      this.capBytes = capBytes;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      count(CharBuffer.wrap(chars, offset, length));
      if (!over) {
        makeRoom(length);
        piece.append(chars, offset, length);
      }
    }

    @Override
    public void write(String text, int offset, int length) {
      count(CharBuffer.wrap(text, offset, offset + length));
      if (!over) {
        makeRoom(length);
        piece.append(text, offset, offset + length);
      }
    }

    @Override
    public void write(int c) {
      write(new char[] {(char) c}, 0, 1);
    }

    private void count(CharSequence chars) {
      for (int i = 0; i < chars.length(); i++) {
        char c = chars.charAt(i);
        if (pairOpen && Character.isLowSurrogate(c)) {
          pairOpen = false;
          continue;
        }
        pairOpen = Character.isHighSurrogate(c);
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : pairOpen ? 4 : 3;
      }
      if (!over && bytes > capBytes) {
        over = true;
        pieces.clear();
        piece = null;
      }
    }

    /** Starts a new piece when {@code length} more would make this one larger than a piece. */
    private void makeRoom(int length) {
      if (piece.length() > 0 && piece.length() + length > PIECE_CHARS) {
        pieces.add(piece.toString());
        piece.setLength(0);
      }
    }

    /** The whole text, or null once it passed the cap. */
    String text() {
      if (over) {
        return null;
      }
      if (pieces.isEmpty()) {
        return piece.toString();
      }
      pieces.add(piece.toString());
      // String.join sizes its result once from the pieces: no growing buffer on the way.
      return String.join("", pieces);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
