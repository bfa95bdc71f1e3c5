package tandem.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.job.BadInputException;

class SubmitRequestTest {
  @Test
  @DisplayName("a job request is a JSON object with a job name and optional params")
  void parses() {
    SubmitRequest r = SubmitRequest.parse("{\"job\":\"primes\",\"params\":{\"n\":10}}", 100);
    assertEquals("primes", r.job());
    assertEquals(10, r.params().get("n").asInt());
    assertEquals(0, SubmitRequest.parse("{\"job\":\"x\"}", 100).params().size());
  }

  @Test
  @DisplayName("inputs, an inclusive range or a list of values make a map")
  void parsesMaps() {
    var range = SubmitRequest.parse("{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":9}}", 100).map();
    assertEquals(10, range.elements().size());
    assertEquals(9, range.elements().get(9).get("x").asInt());
    var stepped = SubmitRequest.parse("{\"job\":\"p\",\"range\":{\"key\":\"n\",\"from\":100,\"to\":1000,\"step\":100},\"chunk\":3,\"reduce\":\"sum\"}", 100).map();
    assertEquals(10, stepped.elements().size());
    assertEquals(3, stepped.chunk());
    assertEquals(tandem.node.owner.Reduce.SUM, stepped.reduce());
    assertEquals(2, SubmitRequest.parse("{\"job\":\"s\",\"values\":{\"key\":\"text\",\"values\":[\"a\",\"b\"]}}", 100).map().elements().size());
    assertEquals(1, SubmitRequest.parse("{\"job\":\"s\",\"inputs\":[{\"x\":1}]}", 100).map().elements().size());
  }

  @Test
  @DisplayName("anything else is refused with a reason")
  void refuses() {
    for (String bad : new String[] {"", "{", "[]", "42", "{\"params\":{}}", "{\"job\":7}",
        "{\"job\":\"x\",\"params\":[1]}", "{\"job\":\"x\",\"extra\":1}",
        "{\"job\":\"x\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":1000}}",
        "{\"job\":\"x\",\"range\":{\"key\":\"x\",\"from\":0,\"to\":1000000000000}}",
        "{\"job\":\"x\",\"range\":{\"from\":0,\"to\":1}}", "{\"job\":\"x\",\"chunk\":2}",
        "{\"job\":\"x\",\"inputs\":[1]}", "{\"job\":\"x\",\"inputs\":[],\"values\":{}}",
        "{\"job\":\"x\",\"inputs\":[{}],\"reduce\":\"avg\"}", "{\"job\":\"x\",\"inputs\":[{}],\"chunk\":0}"}) {
      assertThrows(BadInputException.class, () -> SubmitRequest.parse(bad, 100), bad);
    }
  }
}
