package tandem.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Job parameters and results as they cross between processes: a value tree (Jackson's, as jobs
 * see it) in a compact binary form, one tag byte per value. Bytes travel raw (no base64) and
 * numbers as numbers; a JSON text would have to be parsed again on the other side and could not
 * carry bytes at all.
 *
 * <p>The encoded size is counted before anything is written ({@link #size}), so a value over the
 * payload cap is refused without a buffer of its size ever being made, and the buffer that is made
 * has exactly the right size (no growing, no copy at the end). Decoding checks every declared
 * length against what is left, so a truncated or rogue value fails with a reason instead of
 * allocating what it declares.
 */
public final class ValueCodec {
  private ValueCodec() {}

  private static final byte NULL = 0;
  private static final byte FALSE = 1;
  private static final byte TRUE = 2;
  /** A whole number within a long: zigzag varint. */
  private static final byte LONG = 3;
  /** IEEE 754, eight bytes. */
  private static final byte DOUBLE = 4;
  /** A whole number beyond a long, as its decimal text. */
  private static final byte BIG_INTEGER = 5;
  /** An exact decimal, as its text. */
  private static final byte BIG_DECIMAL = 6;
  private static final byte STRING = 7;
  private static final byte BYTES = 8;
  private static final byte ARRAY = 9;
  private static final byte OBJECT = 10;

  /**
   * The deepest nesting decoded: Jackson's own default limit for JSON text, which every value a
   * client sends passed once; a rogue message cannot then run the reader out of stack.
   */
  public static final int MAX_DEPTH = 1000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The value cannot be decoded: truncated, malformed, or nested too deep. */
  public static final class MalformedValueException extends IllegalArgumentException {
    MalformedValueException(String message) {
      super(message);
    }
  }

  /**
   * The exact number of bytes {@link #encode} writes for {@code value}, counted without writing.
   *
   * @throws IllegalArgumentException for a node that is no plain value (a POJO, a missing node)
   */
  public static long size(JsonNode value) {
    return switch (value.getNodeType()) {
      case NULL, BOOLEAN -> 1;
      case NUMBER -> numberSize(value);
      case STRING -> 1 + lengthAndUtf8(value.textValue());
      case BINARY -> 1 + lengthAnd(((BinaryNode) value).binaryValue().length);
      case ARRAY -> {
        long size = 1 + varintSize(value.size());
        for (JsonNode element : value) {
          size += size(element);
        }
        yield size;
      }
      case OBJECT -> {
        long size = 1 + varintSize(value.size());
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          size += lengthAndUtf8(field.getKey()) + size(field.getValue());
        }
        yield size;
      }
      default -> throw notPlain(value);
    };
  }

  /** {@code value} encoded; see the class comment for the form. */
  public static byte[] encode(JsonNode value) {
    long size = size(value);
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a value of " + size + " bytes is larger than one array can hold");
    }
    Writer out = new Writer(new byte[(int) size]);
    out.value(value);
    if (out.at != out.bytes.length) {
      throw new IllegalStateException("encoded " + out.at + " bytes where " + out.bytes.length + " were counted");
    }
    return out.bytes;
  }

  /**
   * The value {@code encoded} holds.
   *
   * @throws MalformedValueException naming what is wrong and where, for a truncated or malformed value
   */
  public static JsonNode decode(byte[] encoded) {
    Reader in = new Reader(encoded);
    JsonNode value = in.value(0);
    if (in.at != encoded.length) {
      throw new MalformedValueException((encoded.length - in.at) + " bytes left over after a value of " + in.at + " bytes");
    }
    return value;
  }

  private static long numberSize(JsonNode value) {
    if (value.isIntegralNumber()) {
      return value.canConvertToLong() ? 1 + varintSize(zigzag(value.longValue())) : 1 + lengthAndUtf8(value.bigIntegerValue().toString());
    }
    return value.isBigDecimal() ? 1 + lengthAndUtf8(value.decimalValue().toString()) : 9;
  }

  private static long lengthAnd(int bytes) {
    return varintSize(bytes) + bytes;
  }

  private static long lengthAndUtf8(String text) {
    long bytes = utf8Size(text);
    return varintSize(bytes) + bytes;
  }

  /** UTF-8 size as {@link Writer#utf8} writes it: a lone surrogate is one '?', as the JDK writes it. */
  private static long utf8Size(String text) {
    long bytes = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          bytes += 4;
          i++;
        } else {
          bytes++;
        }
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static int varintSize(long v) {
    int size = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      size++;
    }
    return size;
  }

  private static IllegalArgumentException notPlain(JsonNode value) {
    return new IllegalArgumentException("a " + value.getNodeType() + " node is not a plain value (null, boolean, number, "
        + "text, bytes, array or object) and cannot cross between processes");
  }

  /** Writes into a buffer of exactly the counted size. */
  private static final class Writer {
    final byte[] bytes;
    int at;

    Writer(byte[] bytes) {
      this.bytes = bytes;
    }

    void value(JsonNode value) {
      switch (value.getNodeType()) {
        case NULL -> bytes[at++] = NULL;
        case BOOLEAN -> bytes[at++] = value.booleanValue() ? TRUE : FALSE;
        case NUMBER -> number(value);
        case STRING -> {
          bytes[at++] = STRING;
          utf8(value.textValue());
        }
        case BINARY -> {
          byte[] raw = ((BinaryNode) value).binaryValue();
          bytes[at++] = BYTES;
          varint(raw.length);
          System.arraycopy(raw, 0, bytes, at, raw.length);
          at += raw.length;
        }
        case ARRAY -> {
          bytes[at++] = ARRAY;
          varint(value.size());
          for (JsonNode element : value) {
            value(element);
          }
        }
        case OBJECT -> {
          bytes[at++] = OBJECT;
          varint(value.size());
          for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            utf8(field.getKey());
            value(field.getValue());
          }
        }
        default -> throw notPlain(value);
      }
    }

    private void number(JsonNode value) {
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        bytes[at++] = LONG;
        varint(zigzag(value.longValue()));
      } else if (value.isIntegralNumber()) {
        bytes[at++] = BIG_INTEGER;
        utf8(value.bigIntegerValue().toString());
      } else if (value.isBigDecimal()) {
        bytes[at++] = BIG_DECIMAL;
        utf8(value.decimalValue().toString());
      } else {
        bytes[at++] = DOUBLE;
        long bits = Double.doubleToRawLongBits(value.doubleValue());
        for (int shift = 56; shift >= 0; shift -= 8) {
          bytes[at++] = (byte) (bits >>> shift);
        }
      }
    }

    private void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        bytes[at++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[at++] = (byte) v;
    }

    /** Length, then the text in UTF-8, written straight into the buffer (no byte[] per string). */
    private void utf8(String text) {
      varint(utf8Size(text));
      int n = text.length();
      for (int i = 0; i < n; i++) {
        char c = text.charAt(i);
        if (c < 0x80) {
          bytes[at++] = (byte) c;
        } else if (c < 0x800) {
          bytes[at++] = (byte) (0xC0 | (c >> 6));
          bytes[at++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c)) {
          if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, text.charAt(++i));
            bytes[at++] = (byte) (0xF0 | (cp >> 18));
            bytes[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            bytes[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            bytes[at++] = (byte) (0x80 | (cp & 0x3F));
          } else {
            bytes[at++] = '?';
          }
        } else {
          bytes[at++] = (byte) (0xE0 | (c >> 12));
          bytes[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          bytes[at++] = (byte) (0x80 | (c & 0x3F));
        }
      }
    }
  }

  /** Reads a value, checking every declared length against what is left before using it. */
  private static final class Reader {
    final byte[] bytes;
    int at;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    JsonNode value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new MalformedValueException("a value nested deeper than " + MAX_DEPTH + " levels");
      }
      int tagAt = at;
      byte tag = next();
      return switch (tag) {
        case NULL -> NullNode.getInstance();
        case FALSE -> BooleanNode.FALSE;
        case TRUE -> BooleanNode.TRUE;
        case LONG -> {
          long zz = varint();
          long v = (zz >>> 1) ^ -(zz & 1);
          yield v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
        }
        case DOUBLE -> {
          need(8, "a number");
          long bits = 0;
          for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (bytes[at++] & 0xFF);
          }
          yield DoubleNode.valueOf(Double.longBitsToDouble(bits));
        }
        case BIG_INTEGER -> BigIntegerNode.valueOf(new BigInteger(text()));
        case BIG_DECIMAL -> DecimalNode.valueOf(new BigDecimal(text()));
        case STRING -> TextNode.valueOf(text());
        case BYTES -> {
          int length = length("bytes");
          byte[] raw = Arrays.copyOfRange(bytes, at, at + length);
          at += length;
          yield BinaryNode.valueOf(raw);
        }
        case ARRAY -> {
          int count = length("an array's elements"); // each element takes at least one byte
          ArrayNode array = NODES.arrayNode(); // grows with what arrives, not with what is declared
          for (int i = 0; i < count; i++) {
            array.add(value(depth + 1));
          }
          yield array;
        }
        case OBJECT -> {
          int count = length("an object's fields");
          ObjectNode object = NODES.objectNode();
          for (int i = 0; i < count; i++) {
            String key = text();
            object.set(key, value(depth + 1));
          }
          yield object;
        }
        default -> throw new MalformedValueException("unknown value tag " + tag + " at byte " + tagAt + " of " + bytes.length);
      };
    }

    private byte next() {
      need(1, "a value");
      return bytes[at++];
    }

    private String text() {
      int length = length("a text");
      String text = new String(bytes, at, length, StandardCharsets.UTF_8);
      at += length;
      return text;
    }

    /** A declared length (or count), refused when more than what is left. */
    private int length(String what) {
      int from = at;
      long length = varint();
      if (length > bytes.length - at) {
        throw new MalformedValueException(what + " at byte " + from + " declares " + length + " where only "
            + (bytes.length - at) + " bytes are left (truncated or malformed)");
      }
      return (int) length;
    }

    private long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = next();
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new MalformedValueException("a number longer than ten bytes at byte " + at);
    }

    private void need(int count, String what) {
      if (bytes.length - at < count) {
        throw new MalformedValueException(what + " is cut short at byte " + at + " of " + bytes.length + " (truncated)");
      }
    }
  }
}
