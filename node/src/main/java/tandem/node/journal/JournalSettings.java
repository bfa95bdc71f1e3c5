package tandem.node.journal;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tandem.journal}: where the journal is (a JDBC URL; empty: no journal) and how long it
 * keeps finished jobs and, for a map to resume from, its settled chunks.
 */
public record JournalSettings(String url, String user, String password, Duration retainFor, int retainFinished,
    long maxSubmissionBytes, long maxResultBytes, long maxMapBytes, Duration sweepEvery) {

  public static JournalSettings from(Config config) {
    Config j = config.getConfig("tandem.journal");
    return new JournalSettings(j.getString("url"), j.getString("user"), j.getString("password"),
        j.getDuration("retain-for"), j.getInt("retain-finished"), j.getBytes("max-submission-bytes"),
        j.getBytes("max-result-bytes"), j.getBytes("max-map-bytes"), j.getDuration("sweep-every"));
  }

  /** The URL as messages show it: without anything after a '?', where a password may be. */
  public String shownUrl() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
