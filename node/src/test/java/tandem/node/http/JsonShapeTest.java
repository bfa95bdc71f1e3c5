package tandem.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

class JsonShapeTest {
  /** 3 elements a map, 2 steps a pipeline, 20 JSON values a request. */
  private static final SubmitLimits LIMITS = new SubmitLimits(3, 1000, 2, 20);

  private static String refusal(String body) {
    return assertThrows(BadInputException.class, () -> JsonShape.read(body, LIMITS), body).getMessage();
  }

  @Test
  @DisplayName("the tree read while counting is the one Jackson's readTree builds, number types included")
  void buildsJacksonsTree() throws Exception {
    for (String body : new String[] {"{\"tag\":1,\"job\":\"x\",\"params\":{\"f\":1.5,\"g\":1e400,\"h\":12345678901234567890,"
        + "\"i\":-0.0,\"j\":3000000000,\"k\":[true,null,\"s\"]}}", "{\"a\":1,\"a\":2}", "[[[]]]", "42", "null"}) {
      JsonNode expected = Json.MAPPER.readTree(body);
      JsonNode read = JsonShape.read(body, LIMITS);
      assertEquals(expected, read, body);
      assertEquals(Json.write(expected), Json.write(read), body);
    }
    assertNull(JsonShape.read("  ", LIMITS));
  }

  @Test
  @DisplayName("the value one past max-json-values is refused, naming the setting")
  void countsValues() {
    String twenty = "[" + "1,".repeat(18) + "1]";
    assertEquals(19, JsonShape.read(twenty, LIMITS).size());
    assertEquals("the request holds more than 20 JSON values (tandem.http.max-json-values), more than this node parses"
        + " at once: send fewer inputs or smaller parameters per request", refusal("[" + "1,".repeat(19) + "1]"));
    // Values after the first are not used, but they count and must be JSON, as before.
    assertEquals("{}", Json.write(JsonShape.read("{} []", LIMITS)));
    assertEquals(refusal("[" + "1,".repeat(19) + "1]"), refusal("{} [" + "1,".repeat(18) + "1]"));
    assertEquals("malformed JSON", refusal("{} x").substring(0, 14));
  }

  @Test
  @DisplayName("a map's and a pipeline's lists are counted by their field names, at their places only")
  void countsListsByName() {
    assertEquals("inputs has more than 3 elements; a map on this node takes at most 3 (tandem.jobs.max-map-elements):"
        + " narrow it, or split it into several maps", refusal("{\"job\":\"x\",\"inputs\":[{},{},{},{}]}"));
    assertEquals("values has more than 3", refusal("{\"values\":{\"key\":\"k\",\"values\":[1,2,3,4]}}").substring(0, 22));
    assertEquals("pipeline has more than 2 steps", refusal("{\"pipeline\":[{},{},{}]}").substring(0, 30));
    assertEquals(5, JsonShape.read("{\"params\":{\"inputs\":[1,2,3,4,5]}}", LIMITS).path("params").path("inputs").size());
    assertEquals(5, JsonShape.read("[{\"inputs\":[1,2,3,4,5]}]", LIMITS).get(0).path("inputs").size());
  }

  @Test
  @DisplayName("malformed JSON is refused with Jackson's reason, and a refused line's tag can still be read")
  void refusesMalformed() {
    assertEquals("malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
        refusal("{\"a\":1,}"));
    assertEquals(7, JsonShape.tag("{\"tag\":7,\"inputs\":[{},{},{},{}]}").asInt());
    assertNull(JsonShape.tag("[1]"));
  }
}
