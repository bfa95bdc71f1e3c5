package tandem.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The conversation between a node (which owns jobs) and a worker process (which runs CPU jobs).
 *
 * <p>Workers find nodes among the cluster's members (role {@code node}), at {@link #NODE_INBOX_PATH}
 * under each one's address, announce themselves with
 * {@link WorkerReady}, and then receive {@link RunTasks}. A node never sends a worker more tasks
 * than the capacity the worker announced, so a worker's queue stays bounded however many nodes
 * use it.
 */
public final class WorkerProtocol {
  private WorkerProtocol() {}

  /**
   * Where a node's TaskScheduler takes worker messages, under the node's address: a worker offers
   * itself there to the node it was told to join at once, and to every other node as the cluster
   * shows it as a member.
   */
  public static final String NODE_INBOX_PATH = "/user/tasks";

  /** What a worker tells a node. */
  public sealed interface ToNode extends WireMessage permits WorkerReady, TasksDone, ResultPart, WorkerRetiring, TaskLogs {}

  /** What a node tells a worker. */
  public sealed interface ToWorker extends WireMessage permits RunTasks, CancelTasks, TaskPart, Halt {}

  /**
   * A worker is ready to take up to {@code capacity} tasks at once from the node it is sent to.
   *
   * @param pid the worker's operating-system process id, shown to users and used to tell a local
   *     child's death from the OS before the cluster notices
   * @param nodeNo the number this worker gave the node it is sent to (it never changes for the
   *     worker's life): the node puts it on every message to this worker instead of its own
   *     address, which keeps a small task's message a few dozen bytes
   */
  public record WorkerReady(ActorRef<ToWorker> worker, long pid, int capacity, int nodeNo) implements ToNode {}

  /** Tasks for a worker to run, in order; results go back to the node the worker numbered {@code nodeNo}. */
  public record RunTasks(int nodeNo, List<Task> tasks) implements ToWorker {}

  /**
   * Stop these tasks of the node numbered {@code nodeNo}: a task not started yet never starts, a running one is
   * interrupted. Each still ends with a {@link TaskResult} (its error says it was cancelled), which
   * frees its slot.
   */
  public record CancelTasks(int nodeNo, List<Long> taskIds) implements ToWorker {}

  /**
   * End this worker process at once: a task it was told to cancel did not stop within the grace
   * period (it ignores interrupts). Its other tasks are retried elsewhere by their owners, and a
   * node that started it starts a replacement.
   */
  public record Halt(String reason) implements ToWorker {}

  /**
   * One part of a task's parameters too large for one message (see {@link tandem.protocol.Parts}),
   * sent just before the {@link RunTasks} that carries the task.
   */
  public record TaskPart(int nodeNo, long taskId, byte[] bytes) implements ToWorker {
    @Override
    public boolean equals(Object other) {
      return other instanceof TaskPart p && p.nodeNo == nodeNo && p.taskId == taskId && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(nodeNo, taskId, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
      return "TaskPart[nodeNo=" + nodeNo + ", taskId=" + taskId + ", " + sizeOf(bytes) + "]";
    }
  }

  /**
   * One unit of CPU work: one job run, or a chunk of a map's elements run one after another.
   *
   * @param params the job's parameters as a value tree encoded by {@link ValueCodec} (plain values,
   *     so the wire never instantiates a class it does not know, and bytes travel raw): an object
   *     for one run, an array of objects for a chunk; null when they come in {@code parts}
   * @param chunk whether {@code params} is a chunk; its result is then an array with one
   *     {@code {"ok": result}} or {@code {"error": reason}} object per element, in order
   * @param parts how many {@link TaskPart}s carry the parameters, or 0 when {@code params} does
   */
  public record Task(long taskId, String job, byte[] params, boolean chunk, int parts) implements WireMessage {
    public static Task single(long taskId, String job, byte[] params) {
      return new Task(taskId, job, params, false, 0);
    }

    public static Task chunk(long taskId, String job, byte[] paramsArray) {
      return new Task(taskId, job, paramsArray, true, 0);
    }

    /** This task as sent when its parameters travel ahead in {@code count} parts. */
    public Task inParts(int count) {
      return new Task(taskId, job, null, chunk, count);
    }

    /** This task with its parameters put back together. */
    public Task withParams(byte[] encoded) {
      return new Task(taskId, job, encoded, chunk, 0);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Task t && t.taskId == taskId && Objects.equals(t.job, job) && Arrays.equals(t.params, params)
          && t.chunk == chunk && t.parts == parts;
    }

    @Override
    public int hashCode() {
      return Objects.hash(taskId, job, Arrays.hashCode(params), chunk, parts);
    }

    @Override
    public String toString() {
      return "Task[taskId=" + taskId + ", job=" + job + ", params=" + sizeOf(params) + ", chunk=" + chunk + ", parts=" + parts + "]";
    }
  }

  /** Results of tasks a worker finished; each one frees one unit of the owner's capacity. */
  public record TasksDone(ActorRef<ToWorker> worker, List<TaskResult> results) implements ToNode {}

  /**
   * What a task still running wrote since the last of these (see {@link TaskLog}): a worker sends
   * it about once a second, so {@code tandem logs --follow} shows a long job's output as it comes.
   * What the task writes last travels with its {@link TaskResult}.
   */
  public record TaskLogs(ActorRef<ToWorker> worker, long taskId, byte[] log) implements ToNode {
    @Override
    public boolean equals(Object other) {
      return other instanceof TaskLogs l && Objects.equals(l.worker, worker) && l.taskId == taskId && Arrays.equals(l.log, log);
    }

    @Override
    public int hashCode() {
      return Objects.hash(worker, taskId, Arrays.hashCode(log));
    }

    @Override
    public String toString() {
      return "TaskLogs[worker=" + worker + ", taskId=" + taskId + ", " + sizeOf(log) + "]";
    }
  }

  /**
   * A worker is stopping (scaled down, or asked to stop): send it no more tasks. It finishes the
   * ones it has, reports them, and then leaves the cluster.
   */
  public record WorkerRetiring(ActorRef<ToWorker> worker) implements ToNode {}

  /**
   * One part of a result too large for one message (see {@link tandem.protocol.Parts}), sent just
   * before the {@link TasksDone} that carries the task's {@link TaskResult}.
   */
  public record ResultPart(ActorRef<ToWorker> worker, long taskId, byte[] bytes) implements ToNode {
    @Override
    public boolean equals(Object other) {
      return other instanceof ResultPart p && Objects.equals(p.worker, worker) && p.taskId == taskId && Arrays.equals(p.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Objects.hash(worker, taskId, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
      return "ResultPart[worker=" + worker + ", taskId=" + taskId + ", " + sizeOf(bytes) + "]";
    }
  }

  /**
   * How one task ended.
   *
   * @param result the result as a value tree encoded by {@link ValueCodec}, or null when the task
   *     failed or it comes in parts
   * @param error a one-line reason when the task failed, else null
   * @param thread the name of the worker thread that ran it
   * @param runMicros time spent running, measured on the worker
   * @param parts how many {@link ResultPart}s carry the result, or 0 when {@code result} does
   * @param log what the task wrote that was not sent yet, a {@link TaskLog}; null when nothing
   */
  public record TaskResult(
      long taskId, byte[] result, String error, String thread, long runMicros, int parts, byte[] log)
      implements WireMessage {
    public static TaskResult succeeded(long taskId, byte[] result, String thread, long runMicros) {
      return new TaskResult(taskId, result, null, thread, runMicros, 0, null);
    }

    public static TaskResult failed(long taskId, String error, String thread, long runMicros) {
      return new TaskResult(taskId, null, error, thread, runMicros, 0, null);
    }

    /** This result as sent when it travels ahead in {@code count} parts. */
    public TaskResult inParts(int count) {
      return new TaskResult(taskId, null, null, thread, runMicros, count, log);
    }

    /** This result with its parts put back together. */
    public TaskResult withResult(byte[] encoded) {
      return new TaskResult(taskId, encoded, null, thread, runMicros, 0, log);
    }

    /** This result as a failure, e.g. when its parts did not all arrive. */
    public TaskResult withError(String reason) {
      return new TaskResult(taskId, null, reason, thread, runMicros, 0, log);
    }

    /** This result with what the task wrote ({@link TaskLog#encode}), or as it is when that is null. */
    public TaskResult withLog(byte[] written) {
      return written == null ? this : new TaskResult(taskId, result, error, thread, runMicros, parts, written);
    }

    public boolean ok() {
      return error == null;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof TaskResult r && r.taskId == taskId && Arrays.equals(r.result, result)
          && Objects.equals(r.error, error) && Objects.equals(r.thread, thread) && r.runMicros == runMicros && r.parts == parts
          && Arrays.equals(r.log, log);
    }

    @Override
    public int hashCode() {
      return Objects.hash(taskId, Arrays.hashCode(result), error, thread, runMicros, parts, Arrays.hashCode(log));
    }

    @Override
    public String toString() {
      return "TaskResult[taskId=" + taskId + ", result=" + sizeOf(result) + ", error=" + error + ", thread=" + thread
          + ", runMicros=" + runMicros + ", parts=" + parts + ", log=" + sizeOf(log) + "]";
    }
  }

  /** A payload in a log line: its size, not its bytes. */
  private static String sizeOf(byte[] bytes) {
    return bytes == null ? "null" : bytes.length + " bytes";
  }
}
