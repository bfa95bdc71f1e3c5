package tandem.launcher.cli;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import tandem.launcher.client.MemberLog;
import tandem.launcher.client.TandemClient;
import tandem.launcher.client.TandemException;

/**
 * Prints a member's recent log lines for {@code tandem logs --member ADDRESS|PID}: the newest
 * {@code lines} its node or worker keeps in memory and, when following, every newer line as it
 * comes (asked for every {@value #POLL_MILLIS} ms), with a {@code [... N lines missed ...]} line
 * where the member dropped lines between two polls. A follower asks by the address the first
 * answer names, which costs the node less than a pid. The node's errors (404 naming the members it
 * sees, 504) pass through as {@link TandemException}s, which {@code tandem} reports like any other.
 */
public final class MemberLogTail {
  /** The most lines a member keeps, so the most one can ask for. */
  public static final int MAX_LINES = 1000;
  static final long POLL_MILLIS = 500;

  private final TandemClient client;
  private final PrintWriter out;

  /** @param out where the lines go: the command's {@code spec.commandLine().getOut()} */
  public MemberLogTail(TandemClient client, PrintWriter out) {
    this.client = client;
    this.out = out;
  }

  /**
   * Prints the member's newest {@code lines} lines, then, with {@code follow}, newer ones until
   * this thread is interrupted or the output closes (e.g. {@code | head}).
   *
   * @param member an address as {@code tandem members} shows it, its host:port, or an OS pid
   * @param lines 1 to {@value #MAX_LINES}
   * @return {@link ExitCodes#OK}
   * @throws CliException a usage error for {@code lines} out of range, or (exit 1) when a followed
   *     member leaves the cluster
   */
  public int print(String member, int lines, boolean follow) {
    if (member == null || member.isBlank()) {
      throw CliException.usage("--member needs an address as 'tandem members' shows it, or a pid");
    }
    if (lines < 1 || lines > MAX_LINES) {
      throw CliException.usage("--lines must be from 1 to " + MAX_LINES + " (a member keeps at most " + MAX_LINES
          + " lines), not " + lines);
    }
    MemberLog first = client.memberLog(member.trim(), 0, lines).join();
    out.print(first.text());
    out.flush();
    if (follow) {
      follow(first);
    }
    return ExitCodes.OK;
  }

  private void follow(MemberLog first) {
    long next = first.next();
    while (!out.checkError()) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      MemberLog more = next(first, next);
      if (more.missed() > 0) {
        out.println("[... " + more.missed() + " lines missed ...]");
      }
      out.print(more.text());
      out.flush();
      next = more.next();
    }
  }

  private MemberLog next(MemberLog first, long after) {
    try {
      return client.memberLog(first.address(), after, MAX_LINES).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TandemException t && t.status() == 404) {
        throw new CliException(ExitCodes.JOB_FAILED, first.address() + " (pid " + first.pid()
            + ") is no longer in the cluster; its last lines are above");
      }
      throw e;
    }
  }
}
