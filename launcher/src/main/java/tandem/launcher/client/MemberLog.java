package tandem.launcher.client;

/**
 * Newest log lines of one member (node or worker), as {@link TandemClient#memberLog} got them from
 * {@code GET /members/{member}/log}.
 *
 * @param address the member's cluster address: ask by it next time (asking by pid costs the node
 *     a round of every member)
 * @param pid its OS pid
 * @param text the lines, oldest first, each ending in a newline; empty when there are none
 * @param next pass as {@code after} next time to get only newer lines
 * @param missed lines after the {@code after} asked for that this answer leaves out: dropped from
 *     the member's memory (it keeps 1,000) or beyond the count asked for
 */
public record MemberLog(String address, long pid, String text, long next, long missed) {}
