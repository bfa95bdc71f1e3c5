package tandem.launcher.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.TandemClient;
import tandem.launcher.process.ClusterSecret;
import tandem.launcher.process.Distribution;
import tandem.protocol.api.Json;

/**
 * A cluster of node processes on this machine, started in the background and remembered in one
 * folder ({@code .tandem/} by default): their pids, ports and logs. {@link #stop} ends exactly
 * those processes and the workers they started, nothing else.
 */
public final class LocalCluster {
  private static final String STATE_FILE = "cluster.json";
  private static final Duration POLL = Duration.ofMillis(200);

  private final Path dir;

  private LocalCluster(Path dir) {
    this.dir = dir;
  }

  public static Path defaultDir() {
    return Path.of(".tandem").toAbsolutePath();
  }

  public static LocalCluster in(Path dir) {
    return new LocalCluster(dir);
  }

  public Path dir() {
    return dir;
  }

  public Optional<ClusterState> read() {
    Path file = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readValue(file.toFile(), ClusterState.class));
    } catch (IOException e) {
      throw CliException.usage("cannot read " + file + " (" + e.getMessage() + "); delete it and run 'tandem up' again");
    }
  }

  /**
   * Starts {@code nodes} nodes with {@code workers} local workers each and returns once every
   * member is Up.
   */
  /** @param passOn options every node gets ({@code --config}, {@code --jobs}) */
  public ClusterState start(int nodes, int workers, List<String> passOn, List<String> nodeJvmOptions, Duration timeout) {
    Optional<ClusterState> earlier = read();
    if (earlier.isPresent() && earlier.get().nodes().stream().anyMatch(NodeEntry::alive)) {
      throw CliException.usage("a cluster started here is still running (" + dir
          + "); stop it with 'tandem down' first");
    }
    try {
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw CliException.usage("cannot create " + dir + ": " + e.getMessage());
    }
    passOn = withSecret(passOn);
    List<NodeEntry> started = new ArrayList<>();
    // The ports stay claimed until every node is Up, so another 'tandem up' cannot pick them first.
    try (FreePorts ports = new FreePorts()) {
      for (int i = 1; i <= nodes; i++) {
        started.add(startNode(i, workers, started.isEmpty() ? null : started.get(0), passOn, nodeJvmOptions, ports));
        write(new ClusterState(started, workers));
      }
      awaitUp(started, workers, timeout);
      return new ClusterState(started, workers);
    } catch (RuntimeException e) {
      stop(Duration.ofSeconds(5), true);
      throw e;
    }
  }

  /** What a process started by hand needs to join this cluster: {@code --secret-file} and its file. */
  public List<String> secretOptions() {
    Path own = dir.resolve(ClusterSecret.FILE_NAME);
    return Files.isRegularFile(own) ? List.of("--secret-file", own.toString()) : List.of();
  }

  /**
   * The options with the cluster's secret: the one given with {@code --secret-file}, else a new
   * one for this cluster, so only its own processes (and those started by hand in this folder,
   * which find it) can open a cluster connection to its members.
   */
  private List<String> withSecret(List<String> passOn) {
    Path own = dir.resolve(ClusterSecret.FILE_NAME);
    List<String> out = new ArrayList<>(passOn);
    int given = out.indexOf("--secret-file");
    if (given >= 0 && !Path.of(out.get(given + 1)).equals(own)) {
      return out;
    }
    if (given >= 0) {
      out.subList(given, given + 2).clear(); // an earlier cluster's, found in this folder
    }
    ClusterSecret.create(own);
    out.addAll(List.of("--secret-file", own.toString()));
    return out;
  }

  /** Whether a --config file given sets tandem.journal.url (a PostgreSQL one, say), which then wins. */
  private static boolean journalConfigured(List<String> passOn) {
    int given = passOn.indexOf("--config");
    if (given < 0) {
      return false;
    }
    com.typesafe.config.Config file = com.typesafe.config.ConfigFactory.parseFile(new java.io.File(passOn.get(given + 1)));
    return file.hasPath("tandem.journal.url") && !file.getString("tandem.journal.url").isEmpty();
  }

  private NodeEntry startNode(int index, int workers, NodeEntry seed, List<String> passOn, List<String> jvmOptions,
      FreePorts ports) {
    int port = ports.next();
    int httpPort = ports.next();
    List<String> args = new ArrayList<>(List.of("node", "--port", String.valueOf(port),
        "--http-port", String.valueOf(httpPort), "--workers", String.valueOf(workers)));
    if (seed != null) {
      args.addAll(List.of("--seed", "127.0.0.1:" + seed.port()));
    }
    args.addAll(passOn);
    if (!passOn.contains("--journal") && !journalConfigured(passOn)) {
      // One journal for the cluster, in its folder: a node that dies has its jobs taken over, and
      // 'tandem up' here again resumes what a killed cluster left unfinished.
      args.addAll(List.of("--journal", "jdbc:sqlite:" + dir.resolve("journal.db").toAbsolutePath()));
    }
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid"); // its own session: the terminal's Ctrl-C and hang-up leave it alone
    }
    command.addAll(Distribution.javaCommand(jvmOptions, args));
    Path log = dir.resolve("logs").resolve("node-" + index + ".log");
    try {
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(log.toFile())
          .redirectErrorStream(true)
          .start();
      return new NodeEntry(index, process.pid(), port, httpPort, "http://127.0.0.1:" + httpPort, log.toString());
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot start node " + index + ": " + e.getMessage());
    }
  }

  private void awaitUp(List<NodeEntry> nodes, int workers, Duration timeout) {
    TandemClient client = new TandemClient(URI.create(nodes.get(0).url()));
    long deadline = System.nanoTime() + timeout.toNanos();
    int wantWorkers = nodes.size() * workers;
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      for (NodeEntry node : nodes) {
        if (!node.alive()) {
          throw new CliException(ExitCodes.JOB_FAILED, "node " + node.index() + " exited while starting; the end of its log "
              + node.log() + ":\n" + tail(Path.of(node.log()), 15));
        }
      }
      try {
        JsonNode members = client.members().join();
        long upNodes = count(members, "node");
        long upWorkers = count(members, "worker");
        last = upNodes + "/" + nodes.size() + " nodes and " + upWorkers + "/" + wantWorkers + " workers Up";
        if (upNodes == nodes.size() && upWorkers >= wantWorkers) {
          return;
        }
      } catch (CompletionException notYet) {
        // the first node is still starting
      }
      sleep(POLL);
    }
    throw new CliException(ExitCodes.UNREACHABLE, "the cluster was not Up within " + timeout.toSeconds()
        + " s (" + last + "); see the logs in " + dir.resolve("logs"));
  }

  private static long count(JsonNode members, String role) {
    long n = 0;
    for (JsonNode m : members) {
      if ("Up".equals(m.path("status").asText()) && m.path("roles").toString().contains("\"" + role + "\"")) {
        n++;
      }
    }
    return n;
  }

  /**
   * Stops the nodes this folder remembers (politely, then by force after {@code grace}) and the
   * workers they started, then forgets the folder.
   */
  public StopReport stop(Duration grace) {
    return stop(grace, false, false);
  }

  /** @param keepLogs whether the logs stay (a start or a benchmark that failed names them) */
  public StopReport stop(Duration grace, boolean keepLogs) {
    return stop(grace, keepLogs, false);
  }

  /**
   * @param keepLogs whether the logs stay (a start or a benchmark that failed names them)
   * @param keepJournal whether the job journal stays ('tandem down': finished jobs stay readable,
   *     and the next 'up' here uses it again); a demo's or benchmark's folder goes whole
   */
  public StopReport stop(Duration grace, boolean keepLogs, boolean keepJournal) {
    Optional<ClusterState> state = read();
    if (state.isEmpty()) {
      return new StopReport(0, 0, false);
    }
    List<ProcessHandle> nodes = state.get().nodes().stream()
        .map(NodeEntry::handle).flatMap(Optional::stream).toList();
    Set<ProcessHandle> workers = nodes.stream().flatMap(ProcessHandle::descendants).collect(Collectors.toSet());
    nodes.forEach(ProcessHandle::destroy);
    waitForExit(nodes, grace);
    nodes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    waitForExit(List.copyOf(workers), Duration.ofSeconds(3));
    workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    boolean clean = Stream.concat(nodes.stream(), workers.stream()).noneMatch(ProcessHandle::isAlive);
    if (keepLogs) {
      try {
        Files.deleteIfExists(dir.resolve(STATE_FILE));
      } catch (IOException ignored) {
        // a later 'up' reads no live nodes from it anyway
      }
    } else {
      deleteFolder(keepJournal);
    }
    return new StopReport(nodes.size(), workers.size(), clean);
  }

  /** How many processes {@link #stop} ended, and whether all are gone. */
  public record StopReport(int nodes, int workers, boolean clean) {}

  private static void waitForExit(List<ProcessHandle> processes, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(50));
    }
  }

  private void write(ClusterState state) {
    try {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(STATE_FILE).toFile(), state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets the cluster; with {@code keepJournal}, all but its journal (the folder stays while the journal is in it). */
  private void deleteFolder(boolean keepJournal) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder())
          .filter(p -> !keepJournal || !p.getFileName().toString().startsWith("journal.db"))
          .forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // already gone
    }
  }

  static String tail(Path file, int lines) {
    try (Stream<String> all = Files.lines(file)) {
      List<String> list = all.toList();
      return String.join("\n", list.subList(Math.max(0, list.size() - lines), list.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted");
    }
  }
}
