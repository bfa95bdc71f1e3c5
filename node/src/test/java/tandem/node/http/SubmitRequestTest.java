package tandem.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.job.BadInputException;

class SubmitRequestTest {
  /** 100 elements a map, 10 steps a pipeline, 10,000 JSON values a request. */
  private static final SubmitLimits LIMITS = new SubmitLimits(100, 1000, 10, 10_000);
  @Test
  @DisplayName("a job request is a JSON object with a job name and optional params")
  void parses() {
    SubmitRequest r = SubmitRequest.parse("{\"job\":\"primes\",\"params\":{\"n\":10}}", LIMITS);
    assertEquals("primes", r.job());
    assertEquals(10, r.params().get("n").asInt());
    assertEquals(0, SubmitRequest.parse("{\"job\":\"x\"}", LIMITS).params().size());
  }

  @Test
  @DisplayName("{\"base64\": ...} in a request is bytes from where it arrives; text that is not base64 is a bad request")
  void readsBytes() {
    SubmitRequest r = SubmitRequest.parse("{\"job\":\"sha256\",\"params\":{\"input\":{\"base64\":\"AP8=\"}}}", LIMITS);
    assertTrue(r.params().get("input").isBinary());
    BadInputException e = assertThrows(BadInputException.class,
        () -> SubmitRequest.parse("{\"job\":\"sha256\",\"params\":{\"input\":{\"base64\":\"**\"}}}", LIMITS));
    assertTrue(e.getMessage().contains("not base64"), e.getMessage());
  }

  @Test
  @DisplayName("inputs, an inclusive range or a list of values make a map")
  void parsesMaps() {
    var range = SubmitRequest.parse("{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":9}}", LIMITS).map();
    assertEquals(10, range.elements().size());
    assertEquals(9, range.elements().get(9).get("x").asInt());
    var stepped = SubmitRequest.parse("{\"job\":\"p\",\"range\":{\"key\":\"n\",\"from\":100,\"to\":1000,\"step\":100},\"chunk\":3,\"reduce\":\"sum\"}", LIMITS).map();
    assertEquals(10, stepped.elements().size());
    assertEquals(3, stepped.chunk());
    assertEquals(tandem.node.Reduce.SUM, stepped.reduce());
    assertEquals(2, SubmitRequest.parse("{\"job\":\"s\",\"values\":{\"key\":\"text\",\"values\":[\"a\",\"b\"]}}", LIMITS).map().elements().size());
    assertEquals(1, SubmitRequest.parse("{\"job\":\"s\",\"inputs\":[{\"x\":1}]}", LIMITS).map().elements().size());
  }

  @Test
  @DisplayName("a pipeline is a list of steps, optionally over inputs")
  void parsesPipelines() {
    var r = SubmitRequest.parse("{\"pipeline\":[{\"job\":\"read-file\",\"params\":{\"path\":\"a\"}},{\"job\":\"wordcount\"}]}", LIMITS);
    assertEquals(2, r.pipeline().size());
    assertEquals("a", r.pipeline().get(0).params().get("path").asText());
    assertEquals(0, r.pipeline().get(1).params().size());
    assertEquals(null, r.map());
    var over = SubmitRequest.parse("{\"pipeline\":[{\"job\":\"read-file\"}],\"values\":{\"key\":\"path\",\"values\":[\"a\",\"b\"]},\"failFast\":true}", LIMITS);
    assertEquals(2, over.map().elements().size());
    assertEquals(true, over.map().failFast());
  }

  @Test
  @DisplayName("anything else is refused with a reason")
  void refuses() {
    for (String bad : new String[] {"", "{", "[]", "42", "{\"params\":{}}", "{\"job\":7}",
        "{\"job\":\"x\",\"params\":[1]}", "{\"job\":\"x\",\"extra\":1}",
        "{\"job\":\"x\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":1000000000000}}",
        "{\"job\":\"x\",\"range\":{\"from\":0,\"to\":1}}", "{\"job\":\"x\",\"chunk\":2}",
        "{\"job\":\"x\",\"inputs\":[1]}", "{\"job\":\"x\",\"inputs\":[],\"values\":{}}",
        "{\"job\":\"x\",\"inputs\":[{}],\"reduce\":\"avg\"}", "{\"job\":\"x\",\"inputs\":[{}],\"chunk\":0}",
        "{\"pipeline\":[]}", "{\"pipeline\":{}}", "{\"pipeline\":[{\"params\":{}}]}", "{\"pipeline\":[\"sleep\"]}",
        "{\"pipeline\":[{\"job\":\"sleep\",\"params\":[]}]}", "{\"job\":\"x\",\"pipeline\":[{\"job\":\"sleep\"}]}",
        "{\"pipeline\":[{\"job\":\"sleep\"}],\"inputs\":[{}],\"chunk\":2}"}) {
      assertThrows(BadInputException.class, () -> SubmitRequest.parse(bad, LIMITS), bad);
    }
  }

  private static String refusal(String body) {
    return assertThrows(BadInputException.class, () -> SubmitRequest.parse(body, LIMITS), body).getMessage();
  }

  private static String range(String from, String to, String step) {
    return "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":" + from + ",\"to\":" + to
        + (step == null ? "" : ",\"step\":" + step) + "}}";
  }

  @Test
  @DisplayName("a range is counted exactly: ends at Long.MIN_VALUE and Long.MAX_VALUE neither overflow nor loop")
  void rangesAtTheEndsOfLong() {
    String min = String.valueOf(Long.MIN_VALUE);
    String max = String.valueOf(Long.MAX_VALUE);
    var two = SubmitRequest.parse(range("0", max, max), LIMITS).map().elements();
    assertEquals(List.of(0L, Long.MAX_VALUE), two.stream().map(e -> e.get("x").asLong()).toList());
    var three = SubmitRequest.parse(range(min, max, max), LIMITS).map().elements();
    assertEquals(List.of(Long.MIN_VALUE, -1L, Long.MAX_VALUE - 1), three.stream().map(e -> e.get("x").asLong()).toList());
    assertEquals(1, SubmitRequest.parse(range(max, max, null), LIMITS).map().elements().size());
    assertEquals(1, SubmitRequest.parse(range(min, min, "1"), LIMITS).map().elements().size());

    String whole = refusal(range(min, max, null));
    assertTrue(whole.contains("range has 18446744073709551616 elements"), whole);
    assertTrue(whole.contains("at most 2147483647"), whole);
    assertTrue(whole.contains("raise its step"), whole);
    assertTrue(refusal(range(min, "9", null)).contains("range has 9223372036854775818 elements"));
    // A range is never expanded here: a large one is its bounds, whatever the node's limits (its node
    // streams or folds its results).
    assertEquals(Integer.MAX_VALUE, SubmitRequest.parse(range("1", String.valueOf(Integer.MAX_VALUE), null), LIMITS)
        .map().elements().size());
  }

  @Test
  @DisplayName("steps of 0, negative steps and ends that are not whole numbers get a reason, not a loop")
  void refusesBadRangeNumbers() {
    for (String step : new String[] {"0", "-0", "-1", String.valueOf(Long.MIN_VALUE)}) {
      assertTrue(refusal(range("0", "9", step)).contains("step must be a whole number of 1 or more"), step);
    }
    for (String end : new String[] {"1.0", "-0.0", "1e308", "-1e308", "1e999", "\"NaN\"", "\"5\"", "9223372036854775808",
        "-9223372036854775809", "true", "null", "[]"}) {
      String why = refusal(range(end, "9", null));
      assertTrue(why.contains("range needs \"from\" as a whole number"), end + ": " + why);
      assertTrue(refusal(range("0", end, null)).contains("\"to\""), end);
      assertTrue(refusal(range("0", "9", end)).contains("\"step\""), end);
    }
    assertTrue(refusal(range("9", "0", null)).contains("swap them"));
    assertTrue(refusal("{\"job\":\"x\",\"range\":{\"key\":\"x\",\"from\":NaN,\"to\":1}}").startsWith("malformed JSON"));
  }

  @Test
  @DisplayName("values, inputs and pipelines beyond their limits are refused by name, before the tree is built")
  void refusesTooManyItems() {
    String values = "{\"job\":\"x\",\"values\":{\"key\":\"x\",\"values\":[" + "1,".repeat(100) + "1]}}";
    assertEquals("values has more than 100 elements; a map on this node takes at most 100 (tandem.jobs.max-map-elements):"
        + " narrow it, or split it into several maps", refusal(values));
    String inputs = "{\"job\":\"x\",\"inputs\":[" + "{},".repeat(100) + "{}]}";
    assertTrue(refusal(inputs).startsWith("inputs has more than 100 elements"));
    String steps = "{\"pipeline\":[" + "{\"job\":\"noop\"},".repeat(10) + "{\"job\":\"noop\"}]}";
    assertTrue(refusal(steps).startsWith("pipeline has more than 10 steps; a pipeline takes at most 10 (tandem.jobs.max-pipeline-steps)"));
    // Lists elsewhere are not map elements, but every value counts toward the whole.
    String params = "{\"job\":\"x\",\"params\":{\"values\":[" + "1,".repeat(10_000) + "1]}}";
    assertTrue(refusal(params).contains("more than 10000 JSON values (tandem.http.max-json-values)"));
    assertEquals(101, SubmitRequest.parse("{\"job\":\"x\",\"params\":{\"inputs\":[" + "1,".repeat(100) + "1]}}", LIMITS)
        .params().get("inputs").size());
    // The smaller of max-map-elements and max-queued: a map larger than the node ever holds is a 400, not a 503.
    var queued = new SubmitLimits(1000, 50, 10, 10_000);
    String many = assertThrows(BadInputException.class, () -> SubmitRequest.parse(
        "{\"job\":\"x\",\"inputs\":[" + "{},".repeat(50) + "{}]}", queued)).getMessage();
    assertTrue(many.contains("at most 50 (tandem.jobs.max-queued"), many);
  }

  @Test
  @DisplayName("chunk, timeout and retries at the ends of their types get a reason naming the field and its range")
  void refusesExtremeOptions() {
    String map = "{\"job\":\"x\",\"inputs\":[{}],";
    for (String v : new String[] {"0", "-1", "1000001", "9223372036854775807", "-9223372036854775808", "1.5", "1e308", "\"NaN\""}) {
      assertTrue(refusal(map + "\"chunk\":" + v + "}").startsWith("chunk (elements per task) must be a whole number from 1 to 1000000"), v);
    }
    for (String v : new String[] {"-1", "101", "9223372036854775807", "-9223372036854775808", "1.5", "1e308", "\"NaN\""}) {
      assertTrue(refusal("{\"job\":\"x\",\"retries\":" + v + "}").startsWith("retries must be a whole number from 0 to 100"), v);
    }
    for (String v : new String[] {"0", "-1", "604800001", "9223372036854775807", "-9223372036854775808", "99999999999999999999"}) {
      assertTrue(refusal("{\"job\":\"x\",\"timeout\":" + v + "}").startsWith("timeout must be from 1 to 604800000 milliseconds"), v);
    }
    for (String v : new String[] {"1.5", "1e308", "-0.0", "\"NaN\"", "\"999999999h\"", "\"-1s\""}) {
      assertTrue(refusal("{\"job\":\"x\",\"timeout\":" + v + "}").contains("timeout"), v);
    }
  }
}
