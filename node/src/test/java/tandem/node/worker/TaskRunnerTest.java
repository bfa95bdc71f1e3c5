package tandem.node.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BinaryNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.jobs.JobCatalog;
import tandem.node.logs.TaskOutput;
import tandem.protocol.TaskLog;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.api.Json;

class TaskRunnerTest {
  private final JobCatalog catalog = JobCatalog.load();

  @Test
  @DisplayName("a task whose result is over the cap fails with the cap's reason, counted before anything is written")
  void taskOverTheCapFails() {
    TaskRunner runner = new TaskRunner(catalog, 1_000_000, null);
    WorkerProtocol.TaskResult result = runner.run(WorkerProtocol.Task.single(1, "payload",
        ValueCodec.encode(Json.object().put("bytes", 2_000_000))));
    // a text of 2,000,000 ASCII bytes: its tag and a three-byte length before it
    assertEquals("the result is 2000004 bytes, over the cap of 1000000 bytes (tandem.wire.max-payload-bytes); "
        + "return less, or raise the cap on every node and worker", result.error());
    assertNull(result.result());
    WorkerProtocol.TaskResult fits = runner.run(WorkerProtocol.Task.single(2, "payload", ValueCodec.encode(Json.object().put("bytes", 50))));
    assertEquals(50, ValueCodec.decode(fits.result()).textValue().length(), fits.error());
  }

  @Test
  @DisplayName("what a task prints and logs travels with its result, a chunk's under each element's position, a failure's too")
  void outputTravelsWithTheResult() throws Exception {
    TaskOutput.install();
    TaskRunner runner = new TaskRunner(catalog, 1_000_000, null);
    WorkerProtocol.TaskResult failed = runner.run(WorkerProtocol.Task.single(1, "print",
        ValueCodec.encode(Json.object().put("text", "<b>hi</b>").put("lines", 2).put("fail", true))));
    assertTrue(failed.error().contains("failed on purpose"), failed.error());
    TaskLog log = TaskLog.decode(failed.log());
    String text = log.pieces().stream().map(TaskLog.Piece::text).reduce("", String::concat);
    assertTrue(text.startsWith("<b>hi</b> 1\n<b>hi</b> 2\n"), text);
    assertTrue(text.contains(" INFO printed 2 lines of '<b>hi</b>'\n"), text);
    assertTrue(text.endsWith("giving up, as asked\n"), text);

    var elements = Json.NODES.arrayNode().add(Json.object().put("text", "a")).add(Json.object().put("lines", 0))
        .add(Json.object().put("text", "c"));
    TaskLog chunk = TaskLog.decode(runner.run(WorkerProtocol.Task.chunk(2, "print", ValueCodec.encode(elements))).log());
    assertEquals(0, chunk.pieces().get(0).position());
    assertTrue(chunk.pieces().get(0).text().startsWith("a 1\n"));
    assertEquals(1, chunk.pieces().get(1).position()); // printed nothing, logged that
    assertEquals(2, chunk.pieces().get(2).position());
    assertTrue(chunk.pieces().get(2).text().startsWith("c 1\n"));

    assertNull(runner.run(WorkerProtocol.Task.single(3, "square", ValueCodec.encode(Json.object().put("x", 3)))).log(),
        "a task that writes nothing sends nothing");
  }

  @Test
  @DisplayName("bytes given to a task reach the job raw, and a chunk answers each element with ok or error")
  void bytesAndChunks() {
    TaskRunner runner = new TaskRunner(catalog, 1_000_000, null);
    byte[] data = {(byte) 0xff, 0, 'a'};
    WorkerProtocol.TaskResult hashed = runner.run(WorkerProtocol.Task.single(1, "sha256",
        ValueCodec.encode(Json.object().set("input", BinaryNode.valueOf(data)))));
    assertEquals(64, ValueCodec.decode(hashed.result()).textValue().length(), hashed.error());
    var elements = Json.NODES.arrayNode().add(Json.object().set("input", BinaryNode.valueOf(data)))
        .add(Json.object().put("input", "one two two"));
    var outcomes = ValueCodec.decode(runner.run(WorkerProtocol.Task.chunk(2, "wordcount", ValueCodec.encode(elements))).result());
    assertTrue(outcomes.get(0).get("error").asText().contains("binary data"), outcomes.toString());
    assertEquals("two", outcomes.get(1).get("ok").get("top").get(0).get("word").asText());
  }

  @Test
  @DisplayName("a range chunk travels as its bounds; the worker makes its elements and, asked to, folds what succeeds")
  void rangeChunksFoldInTheWorker() {
    TaskRunner runner = new TaskRunner(catalog, 1_000_000, null);
    var chunk = tandem.protocol.ChunkForm.range("x", 1, 1, 100_000, Json.object(), "sum");
    byte[] params = ValueCodec.encode(chunk);
    assertTrue(params.length < 64, "a chunk of 100,000 elements is " + params.length + " bytes");
    WorkerProtocol.TaskResult folded = runner.run(WorkerProtocol.Task.chunk(1, "square", params));
    var partial = ValueCodec.decode(folded.result());
    assertEquals("333338333350000", partial.get("fold").asText(), folded.error());
    assertEquals(100_000, partial.get("ok").asInt());
    var listed = ValueCodec.decode(runner.run(WorkerProtocol.Task.chunk(3, "square",
        ValueCodec.encode(tandem.protocol.ChunkForm.range("x", 2, 3, 2, Json.object(), null)))).result());
    assertEquals("[{\"ok\":4},{\"ok\":25}]", listed.toString(), "without a fold, each element's outcome");
  }
}
