package tandem.launcher.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Whether a pid still is the node that was started, from its command line as the JDK reads it. */
class NodeEntryTest {
  @Test
  void aNodeWhoseCommandLineTheJdkCutShortIsStillANode() {
    String classPath = "/opt/tandem/lib/some-library-1.0.0.jar:".repeat(150);
    String full = "/usr/bin/java -Xmx1g -Dtandem.home=/opt/tandem -cp " + classPath + " tandem.launcher.Main node --port 2551";
    assertTrue(NodeEntry.isTandem(full));
    assertTrue(NodeEntry.isTandem(full.substring(0, 4096)), "the JDK reads 4 KB of /proc/PID/cmdline");
  }

  @Test
  void anotherProcessOnTheSamePidIsNot() {
    assertFalse(NodeEntry.isTandem("/usr/bin/python3 -m http.server 8000"));
    assertFalse(NodeEntry.isTandem("/usr/bin/java -jar other.jar"));
  }
}
