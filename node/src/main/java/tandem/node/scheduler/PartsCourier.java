package tandem.node.scheduler;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import tandem.node.WireSettings;
import tandem.protocol.Parts;
import tandem.protocol.PartsBuffer;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;

/**
 * The owner's side of payloads too large for one message: sends tasks to a worker with their
 * large parameters in parts ahead, and joins the parts of large results as they come back. Not
 * thread-safe: the TaskScheduler owns it.
 */
final class PartsCourier {
  private final int partBytes;
  private final PartsBuffer<PartKey> results;

  private record PartKey(ActorRef<WorkerProtocol.ToWorker> worker, long taskId) {}

  PartsCourier(WireSettings wire) {
    this.partBytes = wire.partBytes();
    this.results = new PartsBuffer<>(wire.maxPayloadBytes());
  }

  /**
   * Sends {@code tasks} to {@code worker} in one {@code RunTasks}, each parameter payload that
   * would make it too large for a message ahead of it in parts. The caller keeps the whole tasks,
   * for a retry elsewhere.
   */
  void send(WorkerRoster.Slot worker, List<Task> tasks) {
    List<Task> sent = null;
    Parts.Batch message = new Parts.Batch(partBytes);
    for (int i = 0; i < tasks.size(); i++) {
      Task task = tasks.get(i);
      int parts = message.sendAheadIfFull(task.params(),
          bytes -> worker.ref.tell(new WorkerProtocol.TaskPart(worker.nodeNo, task.taskId(), bytes)));
      if (parts > 0) {
        sent = sent == null ? new ArrayList<>(tasks) : sent;
        sent.set(i, task.inParts(parts));
      }
    }
    worker.ref.tell(new WorkerProtocol.RunTasks(worker.nodeNo, sent == null ? tasks : sent));
  }

  void arrived(WorkerProtocol.ResultPart part) {
    results.add(new PartKey(part.worker(), part.taskId()), part.bytes());
  }

  /** The result as sent, with its text joined from its parts when it came in parts. */
  TaskResult joined(ActorRef<WorkerProtocol.ToWorker> worker, TaskResult sent) {
    if (sent.parts() == 0) {
      return sent;
    }
    PartsBuffer.Assembled joined = results.take(new PartKey(worker, sent.taskId()), sent.parts(), "the result");
    return joined.error() == null ? sent.withResult(joined.payload()) : sent.withError(joined.error());
  }

  /** Forgets what a lost worker had half sent. */
  void forget(ActorRef<WorkerProtocol.ToWorker> worker) {
    results.dropIf(key -> key.worker().equals(worker));
  }
}
