package tandem.node.downing;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code tandem.cluster.downing}: how long the unreachable set must stay the same before members
 * that may still be alive are downed, how long a port probe waits, and when a gap between this
 * process's own ticks means it was stalled.
 */
record DowningSettings(Duration stableAfter, Duration probeTimeout, Duration stallThreshold, Duration heartbeatPause) {
  static DowningSettings create(Config config) {
    Config downing = config.getConfig("tandem.cluster.downing");
    return new DowningSettings(
        downing.getDuration("stable-after"),
        downing.getDuration("probe-timeout"),
        downing.getDuration("stall-threshold"),
        config.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause"));
  }
}
