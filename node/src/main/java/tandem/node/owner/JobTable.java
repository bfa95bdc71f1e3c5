package tandem.node.owner;

import java.util.function.LongConsumer;

import tandem.protocol.api.JobState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs a node owns, oldest first. Finished jobs are kept up to a limit so users can still see
 * them; those that finished first are forgotten first, and the steps of pipelines before any job a
 * user submitted: a pipeline over 100,000 inputs finishes 100,000 steps, which must not push the
 * pipeline itself (or other users' jobs) out before its client has read it. Not thread-safe: one
 * actor owns it.
 */
final class JobTable {
  private final Map<Long, JobRecord> jobs = new LinkedHashMap<>();
  private final int retainFinished;
  /** Finished pipeline steps, then finished jobs users submitted, by seq, in the order they finished. */
  private final ArrayDeque<Long> finishedSteps = new ArrayDeque<>();
  private final ArrayDeque<Long> finishedJobs = new ArrayDeque<>();
  private int unfinished;
  private final JobEvents events;
  /** Told the seq of each job forgotten, so what is kept beside the table (its log) goes too. */
  private final LongConsumer forgotten;

  JobTable(int retainFinished) {
    this(retainFinished, JobEvents.NONE, seq -> {});
  }

  JobTable(int retainFinished, JobEvents events, LongConsumer forgotten) {
    this.retainFinished = retainFinished;
    this.events = events;
    this.forgotten = forgotten;
  }

  Optional<JobRecord> get(long seq) {
    return Optional.ofNullable(jobs.get(seq));
  }

  void put(JobRecord job) {
    JobRecord before = jobs.put(job.seq(), job);
    events.changed(before, job);
    boolean wasFinal = before != null && before.state().isFinal();
    if (before == null && !job.state().isFinal()) {
      unfinished++;
    } else if (before != null && !wasFinal && job.state().isFinal()) {
      unfinished--;
    }
    if (job.state().isFinal() && !wasFinal) {
      (job.parent() != 0 ? finishedSteps : finishedJobs).add(job.seq());
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
    while (finishedSteps.size() + finishedJobs.size() > retainFinished) {
      long seq = finishedSteps.isEmpty() ? finishedJobs.poll() : finishedSteps.poll();
      jobs.remove(seq);
      forgotten.accept(seq);
    }
  }
}
