package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.jobs.builtin.SquareJob;
import tandem.protocol.api.Json;

class MapUploadTest {
  private static final ActorTestKit kit = ActorTestKit.create("MapUploadTest");

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static JobProtocol.UploadedInput x(long value) {
    return new JobProtocol.UploadedInput(Json.object().put("x", value), null);
  }

  @Test
  @DisplayName("chunks start at one element, like imap, then grow to about 100 ms of work; a chunk the submission fixed stays fixed")
  void sizesChunksByHowLongElementsTake() {
    MapUpload upload = new MapUpload(new SquareJob(), Json.object(), 0);
    for (int i = 0; i < 5000; i++) {
      assertNull(upload.take(x(i)));
    }
    assertEquals(1, upload.nextChunk().size(), "nothing came back yet");
    upload.ran(1, 1_000_000); // 1 ms an element
    assertEquals(100, upload.nextChunk().size());
    upload.ran(100, 100 * 1_000L); // then 1 µs: the average halves towards it
    assertEquals(199, upload.nextChunk().size());
    for (int i = 0; i < 10; i++) {
      upload.ran(100, 100 * 1_000L);
    }
    assertEquals(MapUpload.MOST_PER_CHUNK, upload.nextChunk().size(), "chunks grow to the most");
    upload.ran(1, 10_000_000_000L); // an element of 10 s: one at a time
    assertEquals(1, upload.nextChunk().size());
    MapUpload fixed = new MapUpload(new SquareJob(), Json.object(), 7);
    for (int i = 0; i < 10; i++) {
      fixed.take(x(i));
    }
    assertEquals(7, fixed.nextChunk().size());
    assertEquals(3, fixed.nextChunk().size());
  }

  @Test
  @DisplayName("an input that is no element fails by its index and ends the chunk before it, so chunks stay runs of consecutive elements")
  void badInputsFailByIndex() {
    MapUpload upload = new MapUpload(new SquareJob(), Json.object(), 10);
    upload.take(x(1));
    assertEquals("line 2: not JSON", upload.take(new JobProtocol.UploadedInput(null, "line 2: not JSON")));
    assertEquals(1, upload.lastIndex());
    assertTrue(upload.take(new JobProtocol.UploadedInput(Json.object().put("x", "a"), null)).contains("parameter x"));
    upload.take(x(4));
    upload.take(x(5));
    List<MapUpload.Pending> first = upload.nextChunk();
    assertEquals(List.of(0), first.stream().map(MapUpload.Pending::index).toList());
    assertEquals(List.of(3, 4), upload.nextChunk().stream().map(MapUpload.Pending::index).toList());
    assertEquals(5, upload.received());
  }

  @Test
  @DisplayName("the upload hears back at once while there is room, else once chunks went out; one upload per map, none after the end")
  void answersWhenThereIsRoom() {
    MapUpload upload = new MapUpload(new SquareJob(), Json.object(), 1000);
    assertNull(upload.refusal(42));
    assertNotNull(upload.refusal(43), "another upload");
    TestProbe<JobProtocol.InputsTaken> uploader = kit.createTestProbe();
    for (int i = 0; i < MapUpload.MOST_PENDING - 1; i++) {
      upload.take(x(i));
    }
    upload.answerWhenRoom(uploader.ref());
    assertEquals(MapUpload.MOST_PENDING - 1, uploader.receiveMessage().taken());
    upload.take(x(0));
    upload.answerWhenRoom(uploader.ref());
    uploader.expectNoMessage(Duration.ofMillis(50)); // full: the upload waits
    upload.answerIfRoom();
    uploader.expectNoMessage(Duration.ofMillis(50));
    upload.nextChunk(); // a chunk went out
    upload.answerIfRoom();
    assertEquals(MapUpload.MOST_PENDING, uploader.receiveMessage().taken());
    upload.end();
    assertNotNull(upload.refusal(42), "all were sent");
  }
}
