package tandem.node.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tandem.node.Errors;
import tandem.node.Json;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;

/**
 * Runs I/O jobs. It is spawned on the I/O dispatcher: it starts each job, which returns at once
 * with a stage, and the outcome comes back through {@code pipeToSelf}; no thread waits meanwhile.
 */
public final class IoRunner {
  private IoRunner() {}

  public sealed interface Command extends NoSerializationVerificationNeeded permits Run, Completed {}

  /** Start a job; the outcome goes to {@code replyTo}. */
  public record Run(long seq, IoJob job, JobInput input, ActorRef<Finished> replyTo) implements Command {}

  /**
   * How an I/O job ended.
   *
   * @param result JSON text, or null when it failed
   * @param error a one-line reason, or null when it succeeded
   * @param thread the I/O dispatcher thread that started it
   */
  public record Finished(long seq, String result, String error, String thread, long runMicros)
      implements NoSerializationVerificationNeeded {}

  private record Completed(Run run, JsonNode result, Throwable error, String thread, long startNanos)
      implements Command {}

  public static Behavior<Command> create(IoContext io) {
    return Behaviors.setup(
        context ->
            Behaviors.receive(Command.class)
                .onMessage(Run.class, run -> onRun(context, io, run))
                .onMessage(Completed.class, IoRunner::onCompleted)
                .build());
  }

  private static Behavior<Command> onRun(ActorContext<Command> context, IoContext io, Run run) {
    String thread = Thread.currentThread().getName();
    long start = System.nanoTime();
    CompletionStage<JsonNode> stage;
    try {
      stage = run.job().start(run.input(), io);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedStage(e);
    }
    context.pipeToSelf(stage, (result, error) -> new Completed(run, result, error, thread, start));
    return Behaviors.same();
  }

  private static Behavior<Command> onCompleted(Completed done) {
    long micros = (System.nanoTime() - done.startNanos()) / 1000;
    Finished outcome;
    if (done.error() != null) {
      outcome = new Finished(done.run().seq(), null, Errors.describe(done.error()), done.thread(), micros);
    } else {
      outcome = new Finished(done.run().seq(), Json.write(done.result()), null, done.thread(), micros);
    }
    done.run().replyTo().tell(outcome);
    return Behaviors.same();
  }
}
