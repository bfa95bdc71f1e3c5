package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.NodeSettings;
import tandem.node.Reduce;
import tandem.node.WireSettings;
import tandem.protocol.api.Json;

class AdmissionTest {
  /** A node that holds at most 1,000 elements and keeps at most 500 results of one map. */
  private final Admission admission = new Admission(new NodeSettings(0, Path.of("."), "127.0.0.1", 0, null,
      Duration.ofSeconds(30), 1 << 20, 100, 3, null, Duration.ofMillis(500), true, Duration.ofSeconds(2), 1_000, 500,
      new WireSettings(64L << 20, 1000, 1000), 512L << 20, Duration.ofMinutes(10)));

  @Test
  @DisplayName("a map holds all its elements while it keeps its results, its window when they fold, what it may keep unread when it streams (uploads too)")
  void countsWhatAMapHolds() {
    var big = new RangeElements("x", 1, 1, 10_000_000);
    assertEquals(500, admission.keeps());
    assertEquals(MapRun.window(2), admission.units(big, Reduce.SUM, 2, 0), "folding: its chunks out");
    assertTrue(admission.streams(big, null));
    assertEquals(100, admission.streamWindow(), "a tenth of what the node holds, so a slow reader leaves room for others");
    assertEquals(100, admission.units(big, null, 2, 0), "streaming: the results it may keep unread");
    assertTrue(admission.streams(UploadedElements.LATER, null), "uploaded inputs may be of any length: they stream");
    assertEquals(100, admission.units(UploadedElements.LATER, null, 2, 0));
    assertEquals(MapRun.window(2), admission.units(UploadedElements.LATER, Reduce.SUM, 2, 0), "uploaded and folding: its chunks out");
    assertEquals(512, admission.units(big, Reduce.SUM, 2, 1), "chunks of one element: a wider window, 256 a worker");
    assertEquals(256, MapRun.window(2, 16), "chunks of 16: 4,096 elements out");
    assertEquals(MapRun.window(2), MapRun.window(2, 1_000), "large chunks: the window of chunks as before");
    assertEquals(100, admission.held(new MapView(3, 0, 0, 0, null, List.of(), true, true), 2),
        "still receiving: what it may come to hold, not the few it has");
    assertFalse(admission.streams(big, Reduce.SUM));
    assertFalse(admission.streams(new RangeElements("x", 1, 1, 400), null), "small enough to keep");
    List<ObjectNode> listed = Collections.nCopies(10_000, Json.object());
    assertFalse(admission.streams(listed, null), "elements sent whole never stream: they are all here already");
    assertEquals(10_000, admission.units(listed, null, 2, 0));
    assertEquals(2, admission.held(new MapView(300, 100, 198, 10, null, List.of()), 2), "what is not settled yet");
  }

  @Test
  @DisplayName("more than the node ever holds is refused, more than it has room for now is busy, the rest is taken")
  void refusesOrTakes() {
    assertInstanceOf(JobProtocol.Rejected.class, admission.refusal(1_001, 0));
    assertTrue(((JobProtocol.Busy) admission.refusal(600, 500)).reason().contains("try again later"));
    assertNull(admission.refusal(500, 500));
  }
}
