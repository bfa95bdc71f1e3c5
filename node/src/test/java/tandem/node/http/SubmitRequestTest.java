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
    SubmitRequest r = SubmitRequest.parse("{\"job\":\"primes\",\"params\":{\"n\":10}}");
    assertEquals("primes", r.job());
    assertEquals(10, r.params().get("n").asInt());
    assertEquals(0, SubmitRequest.parse("{\"job\":\"x\"}").params().size());
  }

  @Test
  @DisplayName("anything else is refused with a reason")
  void refuses() {
    for (String bad : new String[] {"", "{", "[]", "42", "{\"params\":{}}", "{\"job\":7}",
        "{\"job\":\"x\",\"params\":[1]}", "{\"job\":\"x\",\"extra\":1}"}) {
      assertThrows(BadInputException.class, () -> SubmitRequest.parse(bad), bad);
    }
  }
}
