package tandem.node.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AnswerWindowTest {
  @Test
  @DisplayName("a batch waits for room until enough answers have left; one larger than the window goes alone")
  void boundsWhatIsOwed() {
    AnswerWindow window = new AnswerWindow(10);
    assertTrue(window.take(8).toCompletableFuture().isDone());
    CompletableFuture<Void> next = window.take(4).toCompletableFuture();
    assertFalse(next.isDone(), "8 owed + 4 is past 10");
    window.answered();
    assertFalse(next.isDone(), "7 + 4 is still past 10");
    window.answered();
    assertTrue(next.isDone(), "6 + 4 fits");
    for (int i = 0; i < 10; i++) {
      window.answered();
    }
    assertTrue(window.take(50).toCompletableFuture().isDone(), "nothing owed: a batch larger than the window goes");
  }

  @Test
  @DisplayName("a closing connection ends once the last answer owed has left, or at once when none is owed")
  void endsWhenAllAnswered() {
    AnswerWindow window = new AnswerWindow(10);
    AtomicBoolean ended = new AtomicBoolean();
    window.whenAllAnswered(() -> ended.set(true));
    assertTrue(ended.get());
    ended.set(false);
    window.take(2);
    window.whenAllAnswered(() -> ended.set(true));
    window.answered();
    assertFalse(ended.get());
    window.answered();
    assertTrue(ended.get());
  }
}
