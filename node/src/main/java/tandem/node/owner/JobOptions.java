package tandem.node.owner;

import java.time.Duration;
import tandem.node.NodeSettings;
import tandem.protocol.job.BadInputException;

/**
 * How a job is run, beyond its parameters: where ({@code --on}), for how long at most
 * ({@code --timeout}), how often it is started again when its worker dies ({@code --retries}),
 * and whether an error of the job's own is retried too ({@code --retry-on-error}).
 *
 * @param timeout null for none
 * @param retries null for the node's default ({@code tandem.jobs.retries}) until resolved
 */
public record JobOptions(Placement on, Duration timeout, Integer retries, boolean retryOnError) {
  /** By kind, the node's defaults. */
  public static final JobOptions DEFAULT = new JobOptions(Placement.BY_KIND, null, null, false);

  /** The longest timeout a job may ask for. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  /** The most retries a job may ask for. */
  public static final int MAX_RETRIES = 100;

  public JobOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0)) {
      throw new BadInputException("timeout must be above 0 and at most 7 days, not " + timeout);
    }
    if (retries != null && (retries < 0 || retries > MAX_RETRIES)) {
      throw new BadInputException("retries must be from 0 to " + MAX_RETRIES + ", not " + retries);
    }
  }

  /** The options with the node's defaults where none was given. */
  JobOptions resolved(NodeSettings settings) {
    JobOptions resolved = new JobOptions(on, timeout != null ? timeout : settings.timeout(),
        retries != null ? retries : settings.retries(), retryOnError);
    // Nearly every job of a stream resolves to the same options: the finished jobs a node keeps
    // (10,000 by default) share one value instead of holding one each.
    JobOptions last = lastResolved;
    if (resolved.equals(last)) {
      return last;
    }
    lastResolved = resolved;
    return resolved;
  }

  private static volatile JobOptions lastResolved;

  /**
   * A duration as users write it: a whole number with a unit, {@code 500ms}, {@code 30s}, {@code
   * 5m}, {@code 2h}.
   */
  public static Duration parseDuration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)").matcher(text.trim());
    if (!m.matches()) {
      throw new BadInputException("a timeout is a whole number with a unit: 500ms, 30s, 5m or 2h; not '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }
}
