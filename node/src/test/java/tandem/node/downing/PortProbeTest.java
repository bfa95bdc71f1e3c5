package tandem.node.downing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PortProbeTest {
  @Test
  void aClosedPortIsRefusedAnOpenOneIsNot() throws Exception {
    int port;
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = open.getLocalPort();
      assertFalse(PortProbe.probe("127.0.0.1", port, Duration.ofSeconds(2)).get(), "a listening port");
    }
    assertTrue(PortProbe.probe("127.0.0.1", port, Duration.ofSeconds(2)).get(), "the same port once closed");
  }

  @Test
  void theKernelListsAListeningPortAndForgetsItOnceClosed() throws Exception {
    int port;
    try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = open.getLocalPort();
      assertTrue(ListeningPorts.read().orElseThrow().contains(port));
    }
    assertFalse(ListeningPorts.read().map(ports -> ports.contains(port)).orElse(false));
  }

  @Test
  void anUnknownAddressIsNotRefused() throws Exception {
    assertFalse(PortProbe.probe("", 0, Duration.ofSeconds(1)).get());
  }
}
