package tandem.node.owner;

import tandem.protocol.api.JobState;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs a node owns, oldest first. Finished jobs are kept up to a limit so users can still see
 * them; the oldest finished ones are forgotten first. Not thread-safe: one actor owns it.
 */
final class JobTable {
  private final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
  private final int retainFinished;
  private int finished;
  private int unfinished;

  JobTable(int retainFinished) {
    this.retainFinished = retainFinished;
  }

  Optional<JobRecord> get(long seq) {
    return Optional.ofNullable(jobs.get(seq));
  }

  void put(JobRecord job) {
    JobRecord before = jobs.put(job.seq(), job);
    boolean wasFinal = before != null && before.state().isFinal();
    if (before == null && !job.state().isFinal()) {
      unfinished++;
    } else if (before != null && !wasFinal && job.state().isFinal()) {
      unfinished--;
    }
    if (job.state().isFinal() && !wasFinal) {
      finished++;
      forgetOldFinished();
    }
  }

  /** The newest {@code limit} jobs users submitted, newest first (a pipeline's steps are in it). */
  List<JobRecord> newest(int limit) {
    List<JobRecord> all = new ArrayList<>(jobs.values());
    List<JobRecord> out = new ArrayList<>(Math.min(limit, all.size()));
    for (int i = all.size() - 1; i >= 0 && out.size() < limit; i--) {
      if (all.get(i).parent() == 0) {
        out.add(all.get(i));
      }
    }
    return out;
  }

  /** How many jobs are queued or running (a map or pipeline counts once, each step too). */
  int unfinished() {
    return unfinished;
  }

  /** The steps of pipeline {@code parent} that are queued or running. */
  List<JobRecord> unfinishedSteps(long parent) {
    List<JobRecord> out = new ArrayList<>();
    for (JobRecord job : jobs.values()) {
      if (!job.state().isFinal() && job.parent() == parent) {
        out.add(job);
      }
    }
    return out;
  }

  /** The jobs users submitted that are queued or running (not the steps of pipelines). */
  List<JobRecord> unfinishedJobs() {
    List<JobRecord> out = new ArrayList<>();
    for (JobRecord job : jobs.values()) {
      if (!job.state().isFinal() && job.parent() == 0) {
        out.add(job);
      }
    }
    return out;
  }

  int count(JobState state) {
    int n = 0;
    for (JobRecord job : jobs.values()) {
      if (job.state() == state) {
        n++;
      }
    }
    return n;
  }

  private void forgetOldFinished() {
    for (Iterator<JobRecord> it = jobs.values().iterator(); finished > retainFinished && it.hasNext(); ) {
      if (it.next().state().isFinal()) {
        it.remove();
        finished--;
      }
    }
  }
}
