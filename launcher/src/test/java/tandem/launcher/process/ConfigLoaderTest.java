package tandem.launcher.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final String EXTENSIONS = "pekko.actor.typed.library-extensions";

  @Test
  @DisplayName("Tandem's settings for libraries take effect over the libraries' own reference.conf, and a user can still change them")
  void libraryOverrides() {
    var config = ConfigLoader.load(Map.of(), null);
    // pekko-actor-typed's reference.conf appends the receptionist to this list; Tandem runs none.
    assertEquals(List.of(), config.getStringList(EXTENSIONS));
    assertFalse(config.getBoolean("pekko.java-flight-recorder.enabled"));
    var mine = ConfigLoader.load(Map.of("pekko.java-flight-recorder.enabled", "on"), null);
    assertTrue(mine.getBoolean("pekko.java-flight-recorder.enabled"));
  }
}
