package tandem.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 *
 * <p>Another 'tandem up' on this machine at the same moment (a script starting two clusters, two
 * test runs) checks the same range, and a port checked free here is not bound until the node
 * starts. So each port handed out is also claimed until {@link #close}: a lock on its byte of one
 * file every 'tandem up' shares, which the system drops when the process ends, however it ends.
 * Where that file cannot be opened (another user's, a read-only folder) ports are only checked free.
 */
final class FreePorts implements AutoCloseable {
  /** Where the kernel keeps its ephemeral range (Linux); elsewhere ports come from the kernel as before. */
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  /** The file whose byte N is locked while port N is claimed. */
  static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "tandem-port-claims");
  /** The lowest port drawn: above the usual services' (PostgreSQL 5432, HTTP 8080...). */
  static final int LOWEST = 20_000;
  private static final int TRIES = 100;

  private final int low;
  private final int high;
  /** The ports this one handed out: none twice (the nodes bind them only later). */
  private final Set<Integer> given = new HashSet<>();
  /** Null where the shared file cannot be opened. */
  private final FileChannel claims;

  FreePorts() {
    this(CLAIMS, LOWEST, ephemeralLow());
  }

  /** Ports in [low, high) while that range has room, claimed in {@code claimsFile}. */
  FreePorts(Path claimsFile, int low, int high) {
    this.low = low;
    this.high = high;
    this.claims = open(claimsFile);
  }

  /** A port nothing listens on now and no other 'tandem up' has claimed, below the ephemeral range when there is room. */
  int next() {
    for (int i = 0; high - low > 100 && i < TRIES; i++) {
      int port = ThreadLocalRandom.current().nextInt(low, high);
      if (!given.contains(port) && bindable(port) && claim(port)) {
        given.add(port);
        return port;
      }
    }
    for (int i = 0; i < TRIES; i++) {
      int port = fromKernel();
      if (!given.contains(port) && claim(port)) {
        given.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free port on the loopback address");
  }

  /** Drops the claims: the nodes have bound their ports by now, or will not. */
  @Override
  public void close() {
    if (claims == null) {
      return;
    }
    try {
      claims.close(); // releases every lock taken through it
    } catch (IOException ignored) {
      // the system drops the locks when this process ends anyway
    }
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

  private boolean claim(int port) {
    if (claims == null) {
      return true;
    }
    try {
      return claims.tryLock(port, 1, false) != null; // null: another process holds it
    } catch (OverlappingFileLockException heldInThisProcess) {
      return false;
    } catch (IOException e) {
      return true; // locks do not work here: checked free is all we can do
    }
  }

  private static FileChannel open(Path file) {
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
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
