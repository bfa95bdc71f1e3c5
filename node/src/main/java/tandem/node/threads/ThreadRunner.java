package tandem.node.threads;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tandem.node.worker.RunningTask;
import tandem.node.worker.TaskRunner;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;

/**
 * Runs tasks on the node's own threads, for the jobs a user sends there with {@code --on threads}
 * (by default CPU jobs never run inside a node). They run on {@code tandem.node-compute-dispatcher},
 * never on the default dispatcher, and can be interrupted like a worker's.
 */
public final class ThreadRunner extends AbstractBehavior<ThreadRunner.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded permits Run, Cancel, Ran {}

  /** Run these tasks; each result goes to {@code replyTo}. */
  public record Run(List<Task> tasks, ActorRef<Finished> replyTo) implements Command {}

  /** Interrupt these tasks (or keep them from starting); each still ends with a result. */
  public record Cancel(List<Long> taskIds) implements Command {}

  /** How one task ended. */
  public record Finished(TaskResult result) implements NoSerializationVerificationNeeded {}

  private record Ran(TaskResult result, ActorRef<Finished> replyTo) implements Command {}

  public static Behavior<Command> create(TaskRunner runner) {
    return Behaviors.setup(context -> new ThreadRunner(context, runner));
  }

  private final TaskRunner runner;
  private final Executor threads;
  private final Map<Long, RunningTask> running = new HashMap<>();

  private ThreadRunner(ActorContext<Command> context, TaskRunner runner) {
    super(context);
    this.runner = runner;
    this.threads = context.getSystem().dispatchers()
        .lookup(DispatcherSelector.fromConfig("tandem.node-compute-dispatcher"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(Ran.class, this::onRan)
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    for (Task task : run.tasks()) {
      RunningTask started = new RunningTask(runner, task);
      running.put(task.taskId(), started);
      getContext().pipeToSelf(started.outcome(), (result, error) -> new Ran(result, run.replyTo()));
      threads.execute(started);
    }
    return this;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    for (long id : cancel.taskIds()) {
      RunningTask task = running.get(id);
      if (task != null) {
        task.cancel(true);
      }
    }
    return this;
  }

  private Behavior<Command> onRan(Ran ran) {
    running.remove(ran.result().taskId());
    ran.replyTo().tell(new Finished(ran.result()));
    return this;
  }
}
