package tandem.launcher.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreePortsTest {
  @Test
  @DisplayName("ports for nodes are free, never handed out twice, and below the kernel's ephemeral range when it can be read")
  void portsAreFreeDistinctAndOutsideTheEphemeralRange() throws Exception {
    try (FreePorts ports = new FreePorts()) {
      drawFromTheDefaultRange(ports);
    }
  }

  private static void drawFromTheDefaultRange(FreePorts ports) throws Exception {
    int low = FreePorts.ephemeralLow();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = ports.next();
      assertTrue(seen.add(port), "port " + port + " handed out twice");
      if (low - FreePorts.LOWEST > 1_000) {
        assertTrue(port >= FreePorts.LOWEST && port < low, port + " is not below the ephemeral range starting at " + low);
      }
    }
    int port = ports.next();
    try (ServerSocket bound = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      assertTrue(bound.isBound(), "the port it gave can be bound");
    }
  }

  @Test
  @DisplayName("two at once never hand out the same port: each claims its ports in a shared file until closed")
  void twoAtOnceClaimDistinctPorts(@TempDir Path dir) {
    Path claims = dir.resolve("claims");
    // 40 ports each from a range of 200: without the claims, about 8 would be handed out twice.
    int low = FreePorts.LOWEST + 7_000;
    try (FreePorts one = new FreePorts(claims, low, low + 200); FreePorts other = new FreePorts(claims, low, low + 200)) {
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        assertTrue(seen.add(one.next()), "a port handed out twice");
        assertTrue(seen.add(other.next()), "a port handed out twice");
      }
    }
  }

  @Test
  @DisplayName("where the claims file cannot be opened, ports are still handed out, checked free")
  void withoutTheClaimsFilePortsAreStillFree(@TempDir Path dir) {
    try (FreePorts ports = new FreePorts(dir.resolve("no-such-folder").resolve("claims"), FreePorts.LOWEST, FreePorts.ephemeralLow())) {
      assertTrue(ports.next() > 0);
    }
  }
}
