package tandem.launcher.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String RECEPTIONIST = "pekko.cluster.typed.receptionist.distributed-data.";

  @Test
  @DisplayName("Tandem's receptionist timing takes effect over pekko-cluster-typed's, and a user can still change it")
  void libraryOverrides() {
    var config = ConfigLoader.load(Map.of(), null);
    assertEquals(Duration.ofSeconds(1), config.getDuration(RECEPTIONIST + "gossip-interval"));
    assertEquals(Duration.ofMillis(200), config.getDuration(RECEPTIONIST + "notify-subscribers-interval"));
    var mine = ConfigLoader.load(Map.of(RECEPTIONIST + "gossip-interval", "300ms"), null);
    assertEquals(Duration.ofMillis(300), mine.getDuration(RECEPTIONIST + "gossip-interval"));
  }
}
