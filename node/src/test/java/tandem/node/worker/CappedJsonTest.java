package tandem.node.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.WorkerProtocol;

class CappedJsonTest {
  @Test
  @DisplayName("a result within the cap is written whole, as Jackson writes it, its size counted in UTF-8")
  void withinTheCap() {
    // Several pieces, with pairs and two-byte characters where writes are cut.
    var value = Json.object().put("text", "aé😀€".repeat(700_000)).put("n", 7);
    String expected = Json.write(value);
    CappedJson.Written written = CappedJson.write(value, Long.MAX_VALUE);
    assertFalse(written.overCap());
    assertEquals(expected, written.text());
    assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, written.bytes());
    CappedJson.Written exactly = CappedJson.write(value, written.bytes());
    assertEquals(expected, exactly.text(), "a result of exactly the cap passes");
  }

  @Test
  @DisplayName("a result over the cap keeps no text, and says its whole size")
  void overTheCap() {
    var value = TextNode.valueOf("x".repeat(3_000_000));
    CappedJson.Written written = CappedJson.write(value, 1_000_000);
    assertTrue(written.overCap());
    assertNull(written.text());
    assertEquals(3_000_002, written.bytes(), "the text and its two quotes");
  }

  @Test
  @DisplayName("a task whose result is over the cap fails with the cap's reason, in the worker that ran it")
  void taskOverTheCapFails() throws Exception {
    JobCatalog catalog = JobCatalog.load();
    TaskRunner runner = new TaskRunner(catalog, 1_000_000, null);
    WorkerProtocol.TaskResult result = runner.run(WorkerProtocol.Task.single(1, "payload", "{\"bytes\":2000000}"));
    // The payload's newlines are escaped in JSON: the size is the JSON text's.
    long jsonBytes = Json.write(((tandem.protocol.job.CpuJob) catalog.find("payload").orElseThrow())
        .compute(tandem.protocol.job.JobInput.trusted(Json.object().put("bytes", 2_000_000)))).length();
    assertEquals("the result is " + jsonBytes + " bytes, over the cap of 1000000 bytes (tandem.wire.max-payload-bytes); "
        + "return less, or raise the cap on every node and worker", result.error());
    WorkerProtocol.TaskResult fits = runner.run(WorkerProtocol.Task.single(2, "payload", "{\"bytes\":50}"));
    assertEquals(52, fits.result().length(), fits.error());
  }
}
