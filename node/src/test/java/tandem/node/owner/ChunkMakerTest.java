package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.Reduce;
import tandem.node.jobs.builtin.SquareJob;
import tandem.protocol.ChunkForm;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.JobKind;

class ChunkMakerTest {
  private final AtomicLong taskIds = new AtomicLong(100);

  private ChunkMaker maker(List<ObjectNode> given, ObjectNode shared, int chunk, Reduce reduce) {
    JobRecord record = JobRecord.queued(7, "t-7", "square", JobKind.CPU, shared, "here", 0)
        .withMap(new MapView(given.size(), 0, 0, chunk, reduce, List.of()));
    return new ChunkMaker(new MapRun.Plan(new SquareJob(), shared, given, Placement.BY_KIND, false, 3), record, taskIds);
  }

  private static List<Long> xs(Chunk chunk) {
    List<Long> xs = new ArrayList<>();
    ChunkForm.elements(ValueCodec.decode(chunk.task().params())).forEachRemaining(e -> xs.add(e.get("x").asLong()));
    return xs;
  }

  @Test
  @DisplayName("a range's chunk is its bounds, to be folded as the map says; the last chunk takes what is left")
  void makesRangeChunks() {
    ChunkMaker maker = maker(new RangeElements("x", 10, 2, 10), Json.object(), 4, Reduce.SUM);
    Chunk first = maker.given(0, Integer.MAX_VALUE);
    JsonNode params = ValueCodec.decode(first.task().params());
    assertEquals(4, ChunkForm.count(params));
    assertEquals("sum", ChunkForm.fold(params));
    assertEquals(List.of(10L, 12L, 14L, 16L), xs(first));
    assertEquals(101, first.task().taskId(), "ids from the node's counter");
    Chunk last = maker.given(8, Integer.MAX_VALUE);
    assertEquals(7, last.seq());
    assertEquals(8, last.offset());
    assertEquals(List.of(26L, 28L), xs(last));
    Chunk beforeSettled = maker.given(1, 3); // elements 3 and on settled before a takeover
    assertEquals(1, beforeSettled.offset());
    assertEquals(List.of(12L, 14L), xs(beforeSettled));
  }

  @Test
  @DisplayName("listed elements go out laid over the shared parameters, each result coming back when nothing folds")
  void makesListedChunks() {
    List<ObjectNode> given = List.of(Json.object().put("x", 1), Json.object().put("x", 2), Json.object().put("x", 3));
    ChunkMaker maker = maker(given, Json.object().put("y", 5), 2, null);
    JsonNode params = ValueCodec.decode(maker.given(0, Integer.MAX_VALUE).task().params());
    assertTrue(params.isArray(), "no fold: a plain list");
    assertEquals(Json.object().put("y", 5).put("x", 1), params.get(0));
    Chunk rest = maker.given(2, Integer.MAX_VALUE);
    assertEquals(1, rest.count());
    assertEquals(List.of(3L), xs(rest));
  }

  @Test
  @DisplayName("uploaded elements make a chunk from the index of the first")
  void makesUploadedChunks() {
    ChunkMaker maker = maker(UploadedElements.LATER, Json.object(), 0, null);
    Chunk chunk = maker.uploaded(List.of(new MapUpload.Pending(40, Json.object().put("x", 4)),
        new MapUpload.Pending(41, Json.object().put("x", 5))));
    assertEquals(40, chunk.offset());
    assertEquals(List.of(4L, 5L), xs(chunk));
  }

  @Test
  @DisplayName("a lost chunk splits into parts of its elements in order, each with the attempts the chunk had")
  void splitsLostChunks() {
    List<ObjectNode> given = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      given.add(Json.object().put("x", i));
    }
    ChunkMaker maker = maker(given, Json.object(), 160, null);
    Chunk lost = maker.given(0, Integer.MAX_VALUE).started(1).started(2);
    List<Chunk> parts = maker.split(lost, MapRun.SPLIT_PARTS);
    assertEquals(16, parts.size());
    for (int p = 0; p < parts.size(); p++) {
      assertEquals(10 * p, parts.get(p).offset());
      assertEquals(2, parts.get(p).attempts());
      assertEquals(10L * p, xs(parts.get(p)).get(0));
    }
  }

  @Test
  @DisplayName("before a map runs, a bad element refuses it by its index; chunks are sized for about four per worker")
  void checksAndSizes() {
    List<ObjectNode> given = List.of(Json.object().put("x", 1), Json.object().put("x", "two"));
    BadInputException bad = assertThrows(BadInputException.class, () -> ChunkMaker.check(new SquareJob(), Json.object(), given));
    assertTrue(bad.getMessage().startsWith("element 1: "), bad.getMessage());
    assertEquals(2, ChunkMaker.autoChunk(Collections.nCopies(10, Json.object()), null, Placement.BY_KIND, 2));
    assertEquals(1000, ChunkMaker.autoChunk(Collections.nCopies(10_000, Json.object()), null, Placement.BY_KIND, 2));
    assertEquals(100_000, ChunkMaker.autoChunk(new RangeElements("x", 0, 1, 10_000_000), Reduce.SUM, Placement.BY_KIND, 2));
  }
}
