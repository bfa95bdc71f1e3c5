package tandem.launcher.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  @Test
  @DisplayName("ports for nodes are free, never handed out twice, and below the kernel's ephemeral range when it can be read")
  void portsAreFreeDistinctAndOutsideTheEphemeralRange() throws Exception {
    FreePorts ports = new FreePorts();
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
}
