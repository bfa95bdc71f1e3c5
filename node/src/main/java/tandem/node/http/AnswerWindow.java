package tandem.node.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How many answers one job-stream connection still owes, bounded: a client that sends faster
 * than its jobs end waits (its reads stop, so TCP slows it) instead of growing the node's heap.
 * One reader takes permits (the stream's inbound side, one batch at a time); any thread gives
 * them back as answers leave. Once the client has sent all it will, {@link #whenAllAnswered}
 * says when the connection may close.
 */
final class AnswerWindow {
  private static final CompletableFuture<Void> OPEN = CompletableFuture.completedFuture(null);
  private final int size;
  private int owed;
  /** The one batch waiting for room, and how many answers it will owe. */
  private CompletableFuture<Void> waiting;
  private int wanted;
  private Runnable onAllAnswered;

  AnswerWindow(int size) {
    this.size = size;
  }

  /**
   * Room for {@code n} more answers: done at once when there is room (or nothing is owed, so a
   * batch larger than the window still goes, alone), else once enough answers have left.
   */
  CompletionStage<Void> take(int n) {
    synchronized (this) {
      if (owed == 0 || owed + n <= size) {
        owed += n;
        return OPEN;
      }
      wanted = n;
      waiting = new CompletableFuture<>();
      return waiting;
    }
  }

  /** One answer left; a batch waiting for room may go, or a closing connection may end. */
  void answered() {
    CompletableFuture<Void> go = null;
    Runnable end = null;
    synchronized (this) {
      owed--;
      if (waiting != null && (owed == 0 || owed + wanted <= size)) {
        owed += wanted;
        go = waiting;
        waiting = null;
      } else if (owed == 0 && onAllAnswered != null) {
        end = onAllAnswered;
        onAllAnswered = null;
      }
    }
    if (go != null) {
      go.complete(null); // outside the lock: the reader's next batch may run on this thread
    }
    if (end != null) {
      end.run();
    }
  }

  /** Runs {@code then} once every answer owed has left (at once if none is owed). */
  void whenAllAnswered(Runnable then) {
    synchronized (this) {
      if (owed > 0) {
        onAllAnswered = then;
        return;
      }
    }
    then.run();
  }
}
