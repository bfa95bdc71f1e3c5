package tandem.node.owner;

/**
 * Where a job ran: a worker process (CPU) or a node's I/O dispatcher (I/O).
 *
 * @param role {@code worker} or {@code node}
 * @param thread the thread that ran it, or null until it is known
 */
public record RanOn(String role, String address, long pid, String thread) {
  /**
   * The places jobs ran lately, each once: a node's finished jobs (10,000 kept by default) ran on a
   * few threads of a few workers, and share their values (and the thread's name) instead of each
   * holding its own. Emptied when it grows past a bound, as workers come and go.
   */
  private static final java.util.concurrent.ConcurrentHashMap<RanOn, RanOn> KNOWN = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MOST_KNOWN = 4096;

  public RanOn withThread(String name) {
    RanOn where = new RanOn(role, address, pid, name);
    if (KNOWN.size() >= MOST_KNOWN) {
      KNOWN.clear();
    }
    RanOn known = KNOWN.putIfAbsent(where, where);
    return known == null ? where : known;
  }

  /** As a job's log names it: {@code worker pid 4242 at pekko://...}. */
  public String describe() {
    return role + " pid " + pid + " at " + address;
  }
}
