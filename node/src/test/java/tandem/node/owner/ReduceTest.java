package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

class ReduceTest {
  private static List<JsonNode> of(String... json) {
    return java.util.Arrays.stream(json).map(Json::read).toList();
  }

  @Test
  @DisplayName("sum, min and max fold numbers exactly; count counts; concat joins text or arrays")
  void folds() {
    assertEquals("333338333350000", Json.write(Reduce.SUM.apply(of("333338333350000"))));
    assertEquals("6", Json.write(Reduce.SUM.apply(of("1", "2", "3"))));
    assertEquals("3.5", Json.write(Reduce.SUM.apply(of("1", "2.5"))));
    assertEquals("0", Json.write(Reduce.SUM.apply(of())));
    assertEquals("-2", Json.write(Reduce.MIN.apply(of("4", "-2", "9"))));
    assertEquals("9", Json.write(Reduce.MAX.apply(of("4", "-2", "9"))));
    assertEquals("null", Json.write(Reduce.MAX.apply(of())));
    assertEquals("3", Json.write(Reduce.COUNT.apply(of("\"a\"", "{}", "null"))));
    assertEquals("\"ab1\"", Json.write(Reduce.CONCAT.apply(of("\"a\"", "\"b\"", "1"))));
    assertEquals("[1,2,3]", Json.write(Reduce.CONCAT.apply(of("[1]", "[2,3]"))));
  }

  @Test
  @DisplayName("a numeric fold over text, or an unknown fold, is refused with a reason")
  void refuses() {
    assertThrows(BadInputException.class, () -> Reduce.SUM.apply(of("\"x\"")));
    assertEquals("reduce must be one of sum, min, max, count, concat; not 'avg'",
        assertThrows(BadInputException.class, () -> Reduce.parse("avg")).getMessage());
    assertEquals(Reduce.SUM, Reduce.parse("Sum"));
  }
}
