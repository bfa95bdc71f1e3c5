package tandem.node.downing;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tandem.cluster.downing}: how long membership and reachability must stay the same before
 * members that may still be alive are downed, how often a node probes the others' ports and how
 * long a probe waits, and when a gap between this
 * process's own ticks means it was stalled.
 */
record DowningSettings(Duration stableAfter, Duration probeInterval, Duration probeTimeout, Duration stallThreshold,
    Duration heartbeatPause) {
  static DowningSettings create(Config config) {
    Config downing = config.getConfig("tandem.cluster.downing");
    return new DowningSettings(
        downing.getDuration("stable-after"),
        downing.getDuration("probe-interval"),
        downing.getDuration("probe-timeout"),
        downing.getDuration("stall-threshold"),
        config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"));
  }
}
