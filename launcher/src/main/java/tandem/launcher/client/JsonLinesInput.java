package tandem.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import tandem.protocol.api.Json;

/**
 * Elements as JSON lines, written only as they are read: an upload of a map's inputs ({@link
 * TandemClient#uploadInputs}) holds one element's text at a time, however many the iterator makes.
 */
final class JsonLinesInput extends InputStream {
  private final Iterator<? extends JsonNode> elements;
  private byte[] line = new byte[0];
  private int at;

  JsonLinesInput(Iterator<? extends JsonNode> elements) {
    this.elements = elements;
  }

  /** Whether there is a line to read from, taking the next element when the last is read. */
  private boolean more() {
    if (at < line.length) {
      return true;
    }
    if (!elements.hasNext()) {
      return false;
    }
    line = (Json.write(elements.next()) + "\n").getBytes(StandardCharsets.UTF_8);
    at = 0;
    return true;
  }

  @Override
  public int read() {
    return more() ? line[at++] & 0xff : -1;
  }

  @Override
  public int read(byte[] into, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len && more()) {
      int take = Math.min(len - n, line.length - at);
      System.arraycopy(line, at, into, off + n, take);
      at += take;
      n += take;
    }
    return n == 0 ? -1 : n;
  }
}
