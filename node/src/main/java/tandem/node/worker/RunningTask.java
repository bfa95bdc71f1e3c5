package tandem.node.worker;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;

/**
 * A task on its way through the compute dispatcher. Unlike a CompletableFuture, it can be
 * cancelled with an interrupt; either way {@link #outcome()} completes with the task's result.
 */
public final class RunningTask extends FutureTask<TaskResult> {
  private final Task task;
  private final CompletableFuture<TaskResult> outcome = new CompletableFuture<>();

  public RunningTask(TaskRunner runner, Task task) {
    super(() -> runner.run(task));
    this.task = task;
  }

  public CompletableFuture<TaskResult> outcome() {
    return outcome;
  }

  /**
   * Called once the task ran, failed or was cancelled. A cancelled job that ignores interrupts may
   * still hold the compute thread for a while; stopping those is the node's job (it can kill the
   * process).
   */
  @Override
  protected void done() {
    try {
      outcome.complete(get());
    } catch (CancellationException e) {
      outcome.complete(TaskResult.failed(task.taskId(), "cancelled", "", 0));
    } catch (ExecutionException e) {
      outcome.complete(TaskResult.failed(task.taskId(), "could not run it: " + e.getCause(), "", 0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome.complete(TaskResult.failed(task.taskId(), "cancelled", "", 0));
    }
  }
}
