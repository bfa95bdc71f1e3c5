package tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;

class ChunkFormTest {

  private static List<String> elements(JsonNode chunk) {
    List<String> out = new ArrayList<>();
    for (Iterator<ObjectNode> it = ChunkForm.elements(chunk); it.hasNext(); ) {
      out.add(Json.write(it.next()));
    }
    return out;
  }

  @Test
  @DisplayName("a range chunk is its bounds: the same elements come out after the trip, each with the shared parameters")
  void rangesTravelAsBounds() {
    ObjectNode shared = Json.object().put("n", 7);
    JsonNode chunk = ValueCodec.decode(ValueCodec.encode(ChunkForm.range("x", Long.MAX_VALUE - 4, 2, 3, shared, "sum")));
    assertEquals(3, ChunkForm.count(chunk));
    assertEquals("sum", ChunkForm.fold(chunk));
    assertEquals(List.of("{\"n\":7,\"x\":" + (Long.MAX_VALUE - 4) + "}", "{\"n\":7,\"x\":" + (Long.MAX_VALUE - 2) + "}",
        "{\"n\":7,\"x\":" + Long.MAX_VALUE + "}"), elements(chunk));
    assertTrue(ValueCodec.encode(ChunkForm.range("x", 1, 1, 1_000_000, Json.object(), null)).length < 64);
    assertEquals(List.of("{\"n\":7,\"x\":" + Long.MAX_VALUE + "}"), elements(ChunkForm.slice(chunk, 2, 1)), "element 2 alone");
    assertEquals("sum", ChunkForm.fold(ChunkForm.slice(chunk, 2, 1)));
  }

  @Test
  @DisplayName("listed elements stay a plain array without a fold, and an object with one")
  void listedElements() {
    var listed = Json.NODES.arrayNode().add(Json.object().put("x", 1)).add(Json.object().put("x", 2));
    JsonNode plain = ChunkForm.listed(listed, null);
    assertTrue(plain.isArray());
    assertNull(ChunkForm.fold(plain));
    JsonNode folded = ChunkForm.listed(listed, "count");
    assertEquals("count", ChunkForm.fold(folded));
    assertEquals(2, ChunkForm.count(folded));
    assertEquals(List.of("{\"x\":2}"), elements(ChunkForm.slice(folded, 1, 1)));
    assertEquals(2, ChunkForm.count(ChunkForm.slice(ChunkForm.range("x", 0, 3, 10, Json.object(), null), 4, 2)));
    assertEquals(List.of("{\"x\":1}", "{\"x\":2}"), elements(plain));
  }
}
