package tandem.launcher.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.launcher.cli.CliException;

class ClusterAddressTest {

  private static Config loaded(Map<String, ?> options) {
    return ClusterAddress.apply(ConfigLoader.load(options, null));
  }

  @Test
  @DisplayName("--host sets the address Artery binds and advertises (the resolved reference config had the default baked in)")
  void hostIsBoundAndAdvertised() {
    Config config = loaded(Map.of("tandem.cluster.host", "10.1.2.3"));
    assertEquals("10.1.2.3", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(List.of("--host", "10.1.2.3"), ClusterAddress.workerOptions(config));
  }

  @Test
  @DisplayName("--public-host is advertised while --host is bound, and local workers get both")
  void publicHostIsAdvertised() {
    Config config = loaded(Map.of("tandem.cluster.host", "0.0.0.0", "tandem.cluster.public-host", "203.0.113.7"));
    assertEquals("203.0.113.7", config.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals("0.0.0.0", config.getString("pekko.remote.artery.bind.hostname"));
    assertEquals(List.of("--host", "0.0.0.0", "--public-host", "203.0.113.7"), ClusterAddress.workerOptions(config));
  }

  @Test
  @DisplayName("listening on every address without a public host, or advertising a wildcard, is refused with what to give")
  void wildcardsNeedAPublicHost() {
    CliException e = assertThrows(CliException.class, () -> loaded(Map.of("tandem.cluster.host", "0.0.0.0")));
    assertTrue(e.getMessage().contains("--public-host"), e.getMessage());
    assertThrows(CliException.class, () -> loaded(Map.of("tandem.cluster.public-host", "0.0.0.0")));
  }
}
