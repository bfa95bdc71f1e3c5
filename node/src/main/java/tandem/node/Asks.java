package tandem.node;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Asks from outside an actor, as plain {@link CompletableFuture}s. The stage {@link AskPattern}
 * returns is Scala's converter, which runs even {@code thenApply} callbacks on {@code
 * ForkJoinPool.commonPool()}; with one or two cores that pool has parallelism 1 and the JDK then
 * starts a new thread for every callback. Completing a plain future on the replying thread avoids
 * both the thread and the hop.
 */
public final class Asks {
  private Asks() {}

  public static <Req, Res> CompletableFuture<Res> ask(
      ActorSystem<?> system, ActorRef<Req> target, Function<ActorRef<Res>, Req> message, Duration timeout) {
    CompletableFuture<Res> plain = new CompletableFuture<>();
    AskPattern.<Req, Res>ask(target, message::apply, timeout, system.scheduler())
        .whenCompleteAsync((value, error) -> {
          if (error != null) {
            plain.completeExceptionally(error);
          } else {
            plain.complete(value);
          }
        }, Runnable::run);
    return plain;
  }
}
