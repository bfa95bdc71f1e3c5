package tandem.node.downing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The TCP ports something listens on, on this machine, as the kernel lists them in /proc/net/tcp
 * and tcp6 (state 0A, LISTEN). A member on this machine whose cluster port is not among them is
 * dead, and asking the kernel costs its cluster nothing, where a connection to each member every
 * second cost each of them an inbound Artery stream, enough to slow a 5-node start on 2 cores.
 */
final class ListeningPorts {
  private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
  private static final String LISTEN = "0A";

  private ListeningPorts() {}

  /** The listening ports, or empty where the kernel does not list them (not Linux). */
  static Optional<Set<Integer>> read() {
    Set<Integer> ports = new HashSet<>();
    for (Path table : TABLES) {
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        return Optional.empty();
      }
      for (int i = 1; i < lines.size(); i++) { // the first line names the columns
        String[] fields = lines.get(i).trim().split("\\s+");
        if (fields.length > 3 && LISTEN.equals(fields[3])) {
          String local = fields[1];
          ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
        }
      }
    }
    return ports.isEmpty() ? Optional.empty() : Optional.of(ports);
  }
}
