package tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;

class ValueCodecTest {
  private static JsonNode roundTrip(JsonNode value) {
    byte[] encoded = ValueCodec.encode(value);
    assertEquals(encoded.length, ValueCodec.size(value), "size counts exactly what encode writes");
    return ValueCodec.decode(encoded);
  }

  @Test
  @DisplayName("every kind of value survives a round trip: null, booleans, numbers, text, bytes, arrays, objects")
  void everyTag() {
    JsonNode parsed = Json.read("{\"n\":null,\"t\":true,\"f\":false,\"i\":-7,\"l\":-9000000000,\"max\":9223372036854775807,"
        + "\"min\":-9223372036854775808,\"big\":123456789012345678901234567890,\"neg\":-123456789012345678901234567890,"
        + "\"d\":-2.5e-300,\"s\":\"h\\u00e9llo \\u20ac \\ud83d\\ude00\",\"empty\":\"\",\"a\":[1,[2,[]],{}],\"o\":{\"k\":{\"k\":[null]}}}");
    assertEquals(parsed, roundTrip(parsed), "as Jackson itself parses the same JSON");
    ObjectNode more = Json.object();
    more.set("bytes", BinaryNode.valueOf(new byte[] {0, -1, 127, -128}));
    more.set("noBytes", BinaryNode.valueOf(new byte[0]));
    more.set("decimal", DecimalNode.valueOf(new BigDecimal("-1.000000000000000000000000001")));
    more.set("bigInLong", BigIntegerNode.valueOf(BigInteger.valueOf(5)));
    JsonNode back = roundTrip(more);
    assertArrayEquals(new byte[] {0, -1, 127, -128}, ((BinaryNode) back.get("bytes")).binaryValue());
    assertEquals(0, ((BinaryNode) back.get("noBytes")).binaryValue().length);
    assertEquals(new BigDecimal("-1.000000000000000000000000001"), back.get("decimal").decimalValue());
    assertEquals(5, back.get("bigInLong").longValue());
    assertEquals(Double.NaN, roundTrip(Json.NODES.numberNode(Double.NaN)).doubleValue());
    assertEquals(Json.read("[0]"), roundTrip(Json.read("[-0]")));
  }

  @Test
  @DisplayName("small values are small: a task's {x: 12} is a handful of bytes, numbers are not text")
  void compact() {
    assertEquals(6, ValueCodec.encode(Json.object().put("x", 12)).length, "tag, count, key, tag, number");
    assertEquals(1 + 10, ValueCodec.encode(Json.NODES.numberNode(Long.MIN_VALUE)).length, "the longest varint");
    assertEquals(2, ValueCodec.encode(Json.NODES.numberNode(-1)).length, "small negatives are small");
  }

  @Test
  @DisplayName("10 MB of bytes cross raw: the encoding is the bytes plus a few, and they come back equal")
  void largeBytes() {
    byte[] raw = new byte[10 * 1024 * 1024];
    new Random(7).nextBytes(raw);
    byte[] encoded = ValueCodec.encode(BinaryNode.valueOf(raw));
    assertTrue(encoded.length <= raw.length + 5, encoded.length + " bytes");
    assertArrayEquals(raw, ((BinaryNode) ValueCodec.decode(encoded)).binaryValue());
  }

  @Test
  @DisplayName("a lone surrogate is written as '?', as the JDK writes it, and the size still matches")
  void loneSurrogate() {
    JsonNode text = Json.NODES.textNode("a\ud800b");
    assertEquals("a?b", roundTrip(text).textValue());
  }

  @Test
  @DisplayName("a truncated or malformed value fails at once with a reason, never allocating what it declares")
  void malformed() {
    byte[] encoded = ValueCodec.encode(Json.read("{\"a\":[1,2,\"three\"],\"b\":-2.5}"));
    for (int cut = 0; cut < encoded.length; cut++) {
      byte[] truncated = Arrays.copyOf(encoded, cut);
      var e = assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(truncated), "cut at " + cut);
      assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("cut short"), e.getMessage());
    }
    // bytes that declare 2^31 - 1 of themselves in a 6-byte message
    byte[] huge = {8, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    var e = assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(huge));
    assertTrue(e.getMessage().contains("declares 2147483647"), e.getMessage());
    // an array that declares 2^62 elements
    byte[] many = {9, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x3f};
    assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(many));
    assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(new byte[] {42}), "unknown tag");
    assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(new byte[] {0, 0}), "bytes left over");
    byte[] endlessVarint = new byte[20];
    Arrays.fill(endlessVarint, (byte) 0xff);
    endlessVarint[0] = 3;
    assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(endlessVarint));
  }

  @Test
  @DisplayName("nesting deeper than the limit is refused, not a stack overflow")
  void tooDeep() {
    int depth = ValueCodec.MAX_DEPTH + 5;
    byte[] nested = new byte[depth * 2 + 1];
    for (int i = 0; i < depth; i++) {
      nested[2 * i] = 9; // an array
      nested[2 * i + 1] = 1; // of one element
    }
    nested[depth * 2] = 0; // null, innermost
    assertTimeoutOk(() -> {
      var e = assertThrows(ValueCodec.MalformedValueException.class, () -> ValueCodec.decode(nested));
      assertTrue(e.getMessage().contains("deeper than"), e.getMessage());
    });
  }

  @Test
  @DisplayName("a node that is no plain value is refused when written")
  void refusesPojos() {
    assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(new POJONode(new Object())));
  }

  private static void assertTimeoutOk(Runnable check) {
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5), check::run);
  }
}
