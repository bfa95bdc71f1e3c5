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
  @DisplayName("a pipeline is a list of steps, optionally over inputs")
  void parsesPipelines() {
    var r = SubmitRequest.parse("{\"pipeline\":[{\"job\":\"read-file\",\"params\":{\"path\":\"a\"}},{\"job\":\"wordcount\"}]}", 100);
    assertEquals(2, r.pipeline().size());
    assertEquals("a", r.pipeline().get(0).params().get("path").asText());
    assertEquals(0, r.pipeline().get(1).params().size());
    assertEquals(null, r.map());
    var over = SubmitRequest.parse("{\"pipeline\":[{\"job\":\"read-file\"}],\"values\":{\"key\":\"path\",\"values\":[\"a\",\"b\"]},\"failFast\":true}", 100);
    assertEquals(2, over.map().elements().size());
    assertEquals(true, over.map().failFast());
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
        "{\"job\":\"x\",\"inputs\":[{}],\"reduce\":\"avg\"}", "{\"job\":\"x\",\"inputs\":[{}],\"chunk\":0}",
        "{\"pipeline\":[]}", "{\"pipeline\":{}}", "{\"pipeline\":[{\"params\":{}}]}", "{\"pipeline\":[\"sleep\"]}",
        "{\"pipeline\":[{\"job\":\"sleep\",\"params\":[]}]}", "{\"job\":\"x\",\"pipeline\":[{\"job\":\"sleep\"}]}",
        "{\"pipeline\":[{\"job\":\"sleep\"}],\"inputs\":[{}],\"chunk\":2}"}) {
      assertThrows(BadInputException.class, () -> SubmitRequest.parse(bad, 100), bad);
    }
  }
}
