package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.JobKind;

/**
 * What a JobManager lends the bookkeeping of its compound jobs ({@link Maps}, {@link Pipelines}):
 * its job table, ids, and the ways it runs and stops tasks. Called only on the actor's thread.
 */
interface JobOwner {
  JobTable jobs();

  /** A new job of this node's, queued, with the next id; not in the table yet. */
  JobRecord newJob(String name, JobKind kind, ObjectNode params, long nowNanos);

  /** Where a job runs that runs on this node (I/O by kind, CPU with {@code --on threads}). */
  RanOn thisNode();

  /** How many workers take this node's tasks now. */
  int workers();

  /**
   * Starts a checked single job where its kind (or {@code on}) says.
   *
   * @param parent the pipeline it is a step of, or 0
   */
  JobRecord startJob(Job job, ObjectNode params, JobInput input, long parent, JobOptions options);

  /** Queues tasks for workers, or runs them on the node's threads. */
  void run(List<Task> tasks, Placement on);

  /** Stops tasks wherever they are queued or run; nothing more is heard of them. */
  void stopTasks(List<Long> taskIds);

  /** Stops a single job wherever it is. */
  void stop(JobRecord job);

  /** Records a job's final state and tells whoever waits for it. */
  void finish(JobRecord job);
}
