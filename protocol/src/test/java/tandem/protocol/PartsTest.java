package tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PartsTest {
  @Test
  @DisplayName("a text cut into parts is whole again, and no part splits a surrogate pair")
  void splitsAndJoins() {
    String text = "a😀".repeat(1000); // each emoji is a surrogate pair
    List<String> parts = Parts.split(text, 1001);
    assertEquals(text, String.join("", parts));
    for (String part : parts) {
      assertTrue(part.length() <= 1001);
      assertTrue(!Character.isHighSurrogate(part.charAt(part.length() - 1)), "a part ends inside a pair");
    }
    assertEquals(3L + 2 + 4, Parts.utf8Bytes("abcé😀"));
    List<String> sent = new java.util.ArrayList<>();
    assertEquals(parts.size(), Parts.sendAhead(text, 1001, sent::add));
    assertEquals(parts, sent, "sent one at a time, cut as split cuts them");
    assertEquals(0, Parts.sendAhead("short", 1001, sent::add));
  }

  @Test
  @DisplayName("a parts buffer gives back the whole text, and refuses one that is incomplete or over its cap")
  void buffersWithinACap() {
    PartsBuffer<Long> buffer = new PartsBuffer<>(10);
    buffer.add(1L, "hello ");
    buffer.add(1L, "you");
    assertEquals("hello you", buffer.take(1L, 2, "the result").text());
    buffer.add(2L, "hello ");
    buffer.add(2L, "world");
    PartsBuffer.Assembled over = buffer.take(2L, 2, "the result");
    assertNull(over.text());
    assertTrue(over.error().contains("tandem.wire.max-payload-bytes"), over.error());
    buffer.add(3L, "a");
    assertTrue(buffer.take(3L, 2, "the result").error().contains("1 of 2 parts"));
    buffer.add(4L, "a");
    buffer.dropIf(k -> k == 4L);
    assertEquals(0, buffer.size());
  }
}
