package tandem.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  @DisplayName("defaults come from reference.conf; auto workers means one per core")
  void defaults() {
    NodeSettings s = NodeSettings.create(with(""));
    assertEquals(Runtime.getRuntime().availableProcessors(), s.workers());
    assertEquals(8551, s.httpPort());
    assertEquals(Duration.ofSeconds(30), s.maxWait());
    assertEquals(3, s.retries());
    WorkerSettings w = WorkerSettings.create(with(""));
    assertEquals(2, w.capacity());
  }

  @Test
  @DisplayName("overrides are read, and a nonsensical worker count is refused with the setting's name")
  void overrides() {
    assertEquals(3, NodeSettings.create(with("tandem.node.workers = 3")).workers());
    assertEquals(0, NodeSettings.create(with("tandem.node.workers = \"0\"")).workers());
    var e = assertThrows(IllegalArgumentException.class, () -> NodeSettings.create(with("tandem.node.workers = many")));
    assertEquals("tandem.node.workers must be 'auto' or a whole number >= 0, not 'many'", e.getMessage());
    assertEquals(3, WorkerSettings.create(with("tandem.worker.compute-threads = 2")).capacity());
  }
}
