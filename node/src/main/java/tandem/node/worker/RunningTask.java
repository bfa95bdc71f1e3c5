package tandem.node.worker;

import tandem.node.logs.LogTail;
import tandem.protocol.TaskLog;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;

/**
 * A task on its way through the compute dispatcher. Unlike a CompletableFuture, it can be
 * cancelled with an interrupt. {@link #outcome()} completes only once its thread is done with it:
 * a cancelled job that ignores the interrupt keeps its slot taken, which is how its owner learns
 * that only ending the process will stop it.
 */
public final class RunningTask extends FutureTask<TaskResult> {
  private final Task task;
  private final CompletableFuture<TaskResult> outcome = new CompletableFuture<>();

  /** What the task writes, until it is sent: the worker sends it about once a second while the task runs. */
  private final LogTail output;

  public RunningTask(TaskRunner runner, Task task) {
    this(runner, task, new LogTail(runner.logBytes()));
  }

  private RunningTask(TaskRunner runner, Task task, LogTail output) {
    super(() -> runner.run(task, output));
    this.task = task;
    this.output = output;
  }

  /** What the task wrote since this was last called. */
  public TaskLog drainOutput() {
    return output.drain();
  }

  public CompletableFuture<TaskResult> outcome() {
    return outcome;
  }

  /** Runs the task (or, if it was cancelled before it started, nothing), then reports. */
  @Override
  public void run() {
    try {
      super.run();
    } finally {
      outcome.complete(result());
    }
  }

  private TaskResult result() {
    try {
      return get();
    } catch (CancellationException e) {
      return TaskResult.failed(task.taskId(), "cancelled", "", 0);
    } catch (ExecutionException e) {
      return TaskResult.failed(task.taskId(), "could not run it: " + e.getCause(), "", 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return TaskResult.failed(task.taskId(), "cancelled", "", 0);
    }
  }
}
