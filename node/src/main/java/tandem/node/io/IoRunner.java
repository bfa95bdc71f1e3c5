package tandem.node.io;

import tandem.node.logs.JobLogger;
import tandem.node.logs.JobLogs;
import tandem.node.logs.LogSink;
import tandem.node.logs.TaskOutput;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import tandem.node.Errors;
import tandem.node.ResultValue;
import tandem.protocol.Parts;
import tandem.protocol.ValueCodec;
import tandem.protocol.job.BlockingJob;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;

/**
 * Runs I/O jobs. It is spawned on the I/O dispatcher: it starts each job, which returns at once
 * with a stage, and the thread that completes the stage tells the outcome; no thread waits meanwhile
 * (a {@link BlockingJob} waits on a thread of its own, a virtual one where the JVM has them).
 */
public final class IoRunner {
  private IoRunner() {}

  public sealed interface Command extends NoSerializationVerificationNeeded permits Run, RunAll, Cancel {}

  /** Start a job; the outcome goes to {@code replyTo}. */
  public record Run(long seq, IoJob job, JobInput input, ActorRef<Finished> replyTo) implements Command {}

  /** Start these jobs, in order: jobs started together (a pipeline's first steps) come in one message. */
  public record RunAll(List<Run> runs) implements Command {}

  /** Stop a running job: its stage is cancelled; its (cancelled) outcome still comes back. */
  public record Cancel(long seq) implements Command {}

  /**
   * How an I/O job ended.
   *
   * @param result JSON text or bytes, or null when it failed
   * @param error a one-line reason, or null when it succeeded
   * @param thread the I/O dispatcher thread that started it, or the thread a blocking job ran on
   */
  public record Finished(long seq, ResultValue result, String error, String thread, long runMicros)
      implements NoSerializationVerificationNeeded {}

  /** @param maxResultBytes the largest result a job may return (tandem.wire.max-payload-bytes) */
  public static Behavior<Command> create(IoContext io, long maxResultBytes) {
    return Behaviors.setup(context -> {
      // Filled here, emptied by whichever thread completes a job's stage: an outcome goes to its
      // job's owner from there, not through this actor's mailbox first (10,000 waits that end in
      // the same tick are 10,000 messages fewer).
      Map<Long, CompletionStage<JsonNode>> running = new ConcurrentHashMap<>();
      return Behaviors.receive(Command.class)
          .onMessage(Run.class, run -> onRun(context, io, run, running, maxResultBytes))
          .onMessage(RunAll.class, all -> {
            all.runs().forEach(run -> onRun(context, io, run, running, maxResultBytes));
            return Behaviors.same();
          })
          .onMessage(Cancel.class, cancel -> onCancel(cancel, running))
          .build();
    });
  }

  private static Behavior<Command> onCancel(Cancel cancel, Map<Long, CompletionStage<JsonNode>> running) {
    CompletionStage<JsonNode> stage = running.remove(cancel.seq());
    if (stage != null) {
      try {
        stage.toCompletableFuture().cancel(true);
      } catch (UnsupportedOperationException e) {
        // a stage that cannot be cancelled runs to its end; its outcome is ignored
      }
    }
    return Behaviors.same();
  }

  private static Behavior<Command> onRun(ActorContext<Command> context, IoContext io, Run run,
      Map<Long, CompletionStage<JsonNode>> running, long maxResultBytes) {
    // Where it ran: the dispatcher thread that started it, or a blocking job's own thread.
    String starter = Thread.currentThread().getName();
    AtomicReference<String> thread = run.job() instanceof BlockingJob ? new AtomicReference<>(starter) : null;
    long start = System.nanoTime();
    // What the job logs goes to its own log, found anew each time: a log dropped for the node's
    // total starts again rather than writing to nowhere.
    JobLogs logs = JobLogs.get(context.getSystem());
    long seq = run.seq();
    LogSink sink = (element, bytes, offset, length) -> logs.tail(seq).write(element, bytes, offset, length);
    JobInput input = run.input().withLog(new JobLogger(run.job().name(), TaskOutput.Capture.of(sink, -1)));
    CompletionStage<JsonNode> stage;
    try {
      if (run.job() instanceof BlockingJob blocking) {
        stage = io.blocking(() -> {
          thread.set(Thread.currentThread().getName());
          try (TaskOutput.Capture printed = TaskOutput.begin(sink, -1)) { // its own thread: what it prints is its
            return blocking.call(input);
          }
        });
      } else {
        stage = run.job().start(input, io);
      }
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedStage(e);
    }
    if (stage == null) {
      stage = CompletableFuture.failedStage(new IllegalStateException(
          "job '" + run.job().name() + "' returned no stage from start(); an I/O job returns a CompletionStage"));
    }
    running.put(seq, stage);
    stage.whenComplete((result, error) -> {
      running.remove(seq);
      run.replyTo().tell(outcome(seq, result, error, thread == null ? starter : thread.get(), start, maxResultBytes));
    });
    return Behaviors.same();
  }

  private static Finished outcome(
      long seq, JsonNode result, Throwable error, String thread, long startNanos, long maxResultBytes) {
    long micros = (System.nanoTime() - startNanos) / 1000;
    if (error != null) {
      return new Finished(seq, null, Errors.describe(error), thread, micros);
    }
    try {
      // The cap is on the value as it would cross to a worker (a pipeline's next step), counted
      // without writing it.
      long size = ValueCodec.size(result);
      return size > maxResultBytes
          ? new Finished(seq, null, Parts.overCapReason("the result", size, maxResultBytes), thread, micros)
          : new Finished(seq, ResultValue.of(result), null, thread, micros);
    } catch (RuntimeException e) {
      // Whatever the job returned, its owner hears how it ended.
      return new Finished(seq, null, Errors.describe(e), thread, micros);
    }
  }
}
