package tandem.node.owner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everyone waiting for a job to be final: an HTTP request that waits ({@code Watch}), a submitter
 * that asked for the outcome only (the job stream's {@code SubmitBatch}), another node that
 * follows a job of this one's. Each is told once, when the job is final, then forgotten. Not
 * thread-safe: the JobManager owns it.
 */
final class Waiters {
  private final Map<Long, List<Consumer<JobRecord>>> bySeq = new HashMap<>();

  /** Runs {@code then} once job {@code seq} is final. */
  void add(long seq, Consumer<JobRecord> then) {
    bySeq.computeIfAbsent(seq, s -> new ArrayList<>(1)).add(then);
  }

  /** The job is final: whoever waits for it hears so. */
  void jobFinal(JobRecord job) {
    List<Consumer<JobRecord>> waiting = bySeq.remove(job.seq());
    if (waiting != null) {
      waiting.forEach(w -> w.accept(job));
    }
  }
}
