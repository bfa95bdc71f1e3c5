package tandem.protocol.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BytesJsonTest {
  @Test
  @DisplayName("bytes read in JSON as their size and SHA-256, or as base64 when asked; other values are left as they are")
  void shown() {
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    JsonNode tree = Json.object().put("n", 1).set("b", Json.NODES.arrayNode().add(BinaryNode.valueOf(abc)));
    assertEquals("{\"n\":1,\"b\":[{\"bytes\":3,\"sha256\":\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}]}",
        Json.write(BytesJson.shown(tree, false)));
    assertEquals("{\"n\":1,\"b\":[{\"base64\":\"YWJj\"}]}", Json.write(BytesJson.shown(tree, true)));
    JsonNode plain = Json.read("{\"a\":[1,2]}");
    assertSame(plain, BytesJson.shown(plain, false), "nothing copied when there are no bytes");
  }

  @Test
  @DisplayName("a client's {\"base64\": ...} becomes bytes where it arrives, at any depth; bad base64 is refused")
  void received() {
    JsonNode params = BytesJson.received(Json.read("{\"input\":{\"base64\":\"AP8=\"},\"more\":[{\"base64\":\"\"}],\"other\":{\"base64\":1}}"));
    assertTrue(params.get("input").isBinary());
    assertArrayEquals(new byte[] {0, -1}, ((BinaryNode) params.get("input")).binaryValue());
    assertTrue(params.get("more").get(0).isBinary());
    assertTrue(params.get("other").isObject(), "only a text of base64 is bytes");
    var e = assertThrows(IllegalArgumentException.class, () -> BytesJson.received(Json.read("{\"x\":{\"base64\":\"%%\"}}")));
    assertTrue(e.getMessage().contains("not base64"), e.getMessage());
  }
}
