package tandem.node.owner;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import tandem.protocol.job.JobKind;

/**
 * Who owns this node's jobs, as their records say: each job it accepts gets the next sequence
 * number and the id {@code <node tag>-<sequence>} (the tag drawn when the JobManager starts), and
 * one that runs on the node itself ran on this address and process. Not thread-safe: the
 * JobManager owns it.
 */
final class JobIds {
  private final String address;
  private final long pid = ProcessHandle.current().pid();
  /** Where a job that runs on this node runs: one value for all of them. */
  private final RanOn thisNode;
  private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
  private long lastSeq;
  /** The id the next job takes instead of a new one (a job taken over from the journal), or null. */
  private String adopting;
  /** How often the job being adopted has been taken over, this time included. */
  private int adoptions;
  /** Ids of jobs taken over, by id: they are not of this node's tag. */
  private final Map<String, Long> adopted = new HashMap<>();

  /** @param address this node's cluster address, the owner of every job it accepts */
  JobIds(String address) {
    this.address = address;
    this.thisNode = new RanOn("node", address, pid, null);
  }

  /** A new job, queued, with the next sequence number and its id. */
  JobRecord queued(String name, JobKind kind, ObjectNode params, long nowNanos) {
    long seq = ++lastSeq;
    String id = tag + "-" + seq;
    int recovered = 0;
    if (adopting != null) {
      id = adopting;
      recovered = adoptions;
      adopted.put(id, seq);
      adopting = null;
    }
    JobRecord job = JobRecord.queued(seq, id, name, kind, params, address, nowNanos);
    // Born marked: a map or pipeline keeps its own copy of its record, and reports it as it goes.
    return recovered > 0 ? job.recovered(recovered) : job;
  }

  /** The next job queued takes {@code id}: it is taken over from the journal, where clients know it by that id. */
  void adopt(String id, int takeovers) {
    adopting = id;
    adoptions = takeovers;
  }

  /** Whether the next job queued is taken over from the journal (see {@link #adopt}). */
  boolean adopting() {
    return adopting != null;
  }

  /** The adoption is over: whether the job took its id (false when its submission was refused). */
  boolean adopted() {
    boolean took = adopting == null;
    adopting = null;
    return took;
  }

  /** Job {@code seq} is forgotten: an adopted id of it too. */
  void forget(long seq) {
    if (!adopted.isEmpty()) {
      adopted.values().removeIf(s -> s == seq);
    }
  }

  /** Where a job ran that runs on this node (an I/O job, or one on the node's threads). */
  RanOn thisNode() {
    return thisNode;
  }

  /** The sequence number in {@code id}. Ids are {@code <node tag>-<sequence>}; anything else is simply unknown here. */
  OptionalLong seq(String id) {
    Long taken = adopted.get(id);
    if (taken != null) {
      return OptionalLong.of(taken);
    }
    int dash = id.lastIndexOf('-');
    if (dash < 0 || !id.substring(0, dash).equals(tag)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(id.substring(dash + 1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
