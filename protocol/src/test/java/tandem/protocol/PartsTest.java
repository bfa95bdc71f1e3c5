package tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartsTest {
  @Test
  @DisplayName("a payload sent ahead in parts is whole again, each part at most the part size")
  void splitsAndJoins() {
    byte[] payload = new byte[10_000];
    new Random(3).nextBytes(payload);
    List<byte[]> sent = new ArrayList<>();
    assertEquals(10, Parts.sendAhead(payload, 1001, sent::add));
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] part : sent) {
      assertTrue(part.length <= 1001);
      joined.writeBytes(part);
    }
    assertArrayEquals(payload, joined.toByteArray());
    assertEquals(0, Parts.sendAhead(new byte[1001], 1001, sent::add), "a payload that fits goes in its own message");
  }

  @Test
  @DisplayName("payloads that fit a message alone but not together: each one that would overfill it goes ahead in parts")
  void batchesWithinOneMessage() {
    Parts.Batch message = new Parts.Batch(1000);
    List<byte[]> sent = new ArrayList<>();
    assertEquals(0, message.sendAheadIfFull(new byte[600], sent::add), "the first fits");
    assertEquals(1, message.sendAheadIfFull(new byte[600], sent::add), "the second would overfill it: one part ahead");
    assertEquals(0, message.sendAheadIfFull(new byte[400], sent::add), "this one still fits beside the first");
    assertEquals(3, message.sendAheadIfFull(new byte[2500], sent::add));
    assertEquals(0, message.sendAheadIfFull(null, sent::add));
    assertEquals(List.of(600, 1000, 1000, 500), sent.stream().map(b -> b.length).toList());
  }

  @Test
  @DisplayName("a parts buffer gives back the whole payload, and refuses one that is incomplete or over its cap")
  void buffersWithinACap() {
    PartsBuffer<Long> buffer = new PartsBuffer<>(10);
    buffer.add(1L, new byte[] {1, 2, 3, 4, 5, 6});
    buffer.add(1L, new byte[] {7, 8, 9});
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, buffer.take(1L, 2, "the result").payload());
    buffer.add(2L, new byte[6]);
    buffer.add(2L, new byte[5]);
    PartsBuffer.Assembled over = buffer.take(2L, 2, "the result");
    assertNull(over.payload());
    assertEquals("the result is 11 bytes, over the cap of 10 bytes (tandem.wire.max-payload-bytes); "
        + "return less, or raise the cap on every node and worker", over.error());
    buffer.add(3L, new byte[1]);
    assertTrue(buffer.take(3L, 2, "the result").error().contains("1 of 2 parts"));
    buffer.add(4L, new byte[1]);
    buffer.dropIf(k -> k == 4L);
    assertEquals(0, buffer.size());
  }
}
