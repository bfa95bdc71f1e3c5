package tandem.node;

import tandem.node.owner.RangeElements;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
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

  @Test
  @DisplayName("a range makes each element only when asked, and never steps past its count")
  void rangesAreVirtual() {
    RangeElements range = new RangeElements("x", Long.MAX_VALUE - 4, 2, 3);
    assertEquals(3, range.size());
    assertEquals(Long.MAX_VALUE, range.get(2).get("x").asLong());
    assertThrows(IndexOutOfBoundsException.class, () -> range.get(3));
    assertEquals(2_000_000_000, new RangeElements("x", 1, 1, 2_000_000_000).size(), "costs a few fields, not its elements");
  }

  @Test
  @DisplayName("sum, min, max and count fold one result at a time; concat does not fold")
  void foldsOneAtATime() {
    Reduce.Fold sum = new Reduce.Fold(Reduce.SUM);
    of("1", "2.5", "3").forEach(sum::add);
    assertEquals("6.5", Json.write(sum.value()));
    assertEquals(Json.write(Reduce.SUM.apply(of("1", "2.5", "3"))), Json.write(sum.value()));
    assertTrue(Reduce.COUNT.folds());
    assertFalse(Reduce.CONCAT.folds());
    assertThrows(BadInputException.class, () -> new Reduce.Fold(Reduce.MAX).add(Json.read("\"x\"")));
  }
}
