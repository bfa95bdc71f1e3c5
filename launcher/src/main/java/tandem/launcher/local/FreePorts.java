package tandem.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the nodes 'tandem up' starts, chosen before the node binds them (each node's ports
 * must be known before it starts: the first one's is the others' seed). A port the kernel hands
 * out for port 0 lies in its ephemeral range, which every later port-0 bind (a worker's) and every
 * outgoing connection (the CLI's, the nodes' own) draws from too, so one of those could take it in
 * the seconds before the node binds it. These are drawn from below that range instead, where only
 * an explicit bind can take a port, and checked free.
 */
final class FreePorts {
  /** Where the kernel keeps its ephemeral range (Linux); elsewhere ports come from the kernel as before. */
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** The lowest port drawn: above the usual services' (PostgreSQL 5432, HTTP 8080...). */
  static final int LOWEST = 20_000;
  private static final int TRIES = 100;

  /** The ports this one handed out: none twice (the nodes bind them only later). */
  private final Set<Integer> given = new HashSet<>();

  /** A port nothing listens on now, below the kernel's ephemeral range when there is room below it. */
  int next() {
    int below = ephemeralLow();
    for (int i = 0; below - LOWEST > 1_000 && i < TRIES; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
      if (!given.contains(port) && bindable(port)) {
        given.add(port);
        return port;
      }
    }
    for (int i = 0; i < TRIES; i++) {
      int port = fromKernel();
      if (given.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on the loopback address");
  }

  /** The first port of the ephemeral range, or 0 when it cannot be read. */
  static int ephemeralLow() {
    try {
      String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int fromKernel() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
