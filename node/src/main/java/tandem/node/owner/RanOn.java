package tandem.node.owner;

/**
 * Where a job ran: a worker process (CPU) or a node's I/O dispatcher (I/O).
 *
 * @param role {@code worker} or {@code node}
 * @param thread the thread that ran it, or null until it is known
 */
public record RanOn(String role, String address, long pid, String thread) {
  public RanOn withThread(String name) {
    return new RanOn(role, address, pid, name);
  }

  /** As a job's log names it: {@code worker pid 4242 at pekko://...}. */
  public String describe() {
    return role + " pid " + pid + " at " + address;
  }
}
