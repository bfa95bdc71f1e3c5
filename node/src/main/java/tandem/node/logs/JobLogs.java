package tandem.node.logs;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import com.typesafe.config.Config;
import tandem.protocol.TaskLog;

/**
 * The logs of the jobs a node owns, by their sequence number: for each, the last
 * {@code tandem.jobs.logs.max-bytes-per-job} of what it wrote, and for the node in all at most
 * {@code tandem.jobs.logs.max-bytes} (past that, the logs of the jobs that began writing first are
 * dropped, so memory follows the cap, not how many jobs ran). A job's log is forgotten with the
 * job. Written by the owners of the jobs as output comes (from workers, or from an I/O job's
 * logger on the node), read by the HTTP API and the dashboard; thread-safe.
 */
public final class JobLogs implements Extension {
  public static final ExtensionId<JobLogs> ID = new ExtensionId<>() {
    @Override
    public JobLogs createExtension(ActorSystem<?> system) {
      return new JobLogs(system.settings().config());
    }
  };

  public static JobLogs get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private final long perJob;
  private final long total;
  private final AtomicLong held = new AtomicLong();
  /** By seq, in the order they began writing. */
  private final Map<Long, LogTail> tails = new LinkedHashMap<>();

  JobLogs(Config config) {
    this(config.getBytes("tandem.jobs.logs.max-bytes-per-job"), config.getBytes("tandem.jobs.logs.max-bytes"));
  }

  public JobLogs(long perJob, long total) {
    this.perJob = perJob;
    this.total = total;
  }

  /** The most a job keeps: what its tasks keep in a worker too. */
  public long perJob() {
    return perJob;
  }

  /** Job {@code seq}'s log, made on its first line. */
  public LogTail tail(long seq) {
    synchronized (tails) {
      return tails.computeIfAbsent(seq, s -> new LogTail(perJob, this::changed));
    }
  }

  /** Job {@code seq}'s log, or null when it wrote nothing (or was forgotten). */
  public LogTail find(long seq) {
    synchronized (tails) {
      return tails.get(seq);
    }
  }

  /**
   * What a task of job {@code seq} wrote (a worker's {@link TaskLog}, see {@code TaskLog#decode}):
   * each piece under element {@code firstElement} plus its position, or -1 for a job of one run.
   */
  public void add(long seq, TaskLog log, long firstElement) {
    if (log.isEmpty()) {
      return;
    }
    LogTail tail = tail(seq);
    if (log.dropped() > 0) {
      tail.skip(log.dropped()); // a reader is told how much it missed, as for bytes this tail dropped
    }
    for (TaskLog.Piece piece : log.pieces()) {
      tail.write(firstElement < 0 ? -1 : firstElement + piece.position(), piece.text());
    }
  }

  /** A line from the node about the job (a retry, a lost worker), written into its log. */
  public void note(long seq, long element, String line) {
    tail(seq).write(element, "[tandem] " + line + "\n");
  }

  /** Job {@code seq} is forgotten: so is its log. */
  public void forget(long seq) {
    LogTail gone;
    synchronized (tails) {
      gone = tails.remove(seq);
    }
    if (gone != null) {
      gone.clear();
    }
  }

  /** Bytes held for every job's log now. */
  public long held() {
    return held.get();
  }

  private void changed(long delta) {
    if (held.addAndGet(delta) > total && delta > 0) {
      dropOldest();
    }
  }

  /** Drops whole logs, those that began first first, until the node's logs fit their total again. */
  private void dropOldest() {
    while (held.get() > total) {
      LogTail oldest;
      synchronized (tails) {
        Iterator<LogTail> first = tails.values().iterator();
        if (!first.hasNext()) {
          return;
        }
        oldest = first.next();
        first.remove();
      }
      oldest.clear();
    }
  }
}
