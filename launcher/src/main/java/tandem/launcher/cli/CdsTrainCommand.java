package tandem.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.JobChannel;
import tandem.launcher.client.TandemClient;
import tandem.launcher.local.ClusterState;
import tandem.launcher.local.LocalCluster;
import tandem.launcher.process.ConfigLoader;
import tandem.launcher.process.Distribution;
import tandem.launcher.process.ClassArchive;
import tandem.launcher.process.NodeJvm;
import tandem.launcher.process.WorkerJvm;
import tandem.protocol.api.Json;

/**
 * Records the class-data sharing archives of nodes, workers and the CLI: a node and one worker
 * started by hand, each with {@code -XX:ArchiveClassesAtExit}, a round of jobs so both load what
 * they load in use, and a graceful stop, at which each JVM writes its archive; then a CLI JVM
 * that runs each command against that node once ({@code --cli-round}) and writes its own at exit.
 * The build runs it once per distribution.
 */
@Command(name = "cds-train", hidden = true, mixinStandardHelpOptions = true,
    description = "Record the class-data sharing archives that make node, worker and CLI JVMs start faster and smaller (the build runs this).")
final class CdsTrainCommand implements Callable<Integer> {
  private static final Duration READY = Duration.ofSeconds(90);
  @Spec CommandSpec spec;

  @picocli.CommandLine.Option(names = "--cli-round", hidden = true, paramLabel = "URL",
      description = "Run every CLI command once against the node at URL, in this JVM, and exit (what the CLI's archive records).")
  String cliRound;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (cliRound != null) {
      return cliRound(cliRound);
    }
    Path nodeArchive = ClassArchive.path(ClassArchive.Kind.NODE)
        .orElseThrow(() -> CliException.usage("run it from the distribution: bin/tandem cds-train"));
    Path workerArchive = ClassArchive.path(ClassArchive.Kind.WORKER).orElseThrow();
    long start = System.nanoTime();
    Files.createDirectories(nodeArchive.getParent());
    Path nodeRecording = recording(nodeArchive);
    Path workerRecording = recording(workerArchive);
    var config = ConfigLoader.load(Map.of(), null);
    LocalCluster cluster = LocalCluster.in(Files.createTempDirectory("tandem-cds"));
    Process worker = null;
    try {
      List<String> nodeOptions = NodeJvm.configured(config);
      nodeOptions.add("-XX:ArchiveClassesAtExit=" + nodeRecording);
      ClusterState state = cluster.start(1, 0, List.of(), nodeOptions, READY);
      TandemClient client = new TandemClient(URI.create(state.nodes().get(0).url()));
      String address = client.health().join().path("address").asText();
      List<String> options = WorkerJvm.configured(config);
      options.add("-XX:ArchiveClassesAtExit=" + workerRecording);
      List<String> args = new java.util.ArrayList<>(
          List.of("worker", "--seed", address.substring(address.indexOf('@') + 1), "--host", "127.0.0.1"));
      args.addAll(cluster.secretOptions());
      worker = new ProcessBuilder(Distribution.javaCommand(options, args))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      awaitWorker(client, worker);
      exercise(client);
      try {
        recordCli(state.nodes().get(0).url());
      } catch (CliException | IOException e) {
        // The CLI then starts without an archive; the node's and the worker's are still worth having.
        spec.commandLine().getErr().println("tandem: " + e.getMessage());
      }
      worker.destroy(); // SIGTERM: the worker leaves, exits, and its JVM writes the archive
      // Once it has left, the node stops too (the same: a polite stop, then its archive), while
      // the worker's JVM is still writing: the two archives are written side by side.
      awaitLeft(client, worker);
      cluster.stop(Duration.ofSeconds(120));
      if (!worker.waitFor(120, TimeUnit.SECONDS)) {
        throw new CliException(ExitCodes.JOB_FAILED, "the training worker did not stop; workers start without an archive");
      }
      install(workerRecording, workerArchive, "worker");
      install(nodeRecording, nodeArchive, "node");
    } finally {
      if (worker != null && worker.isAlive()) {
        worker.destroyForcibly();
      }
      cluster.stop(Duration.ofSeconds(20));
      Files.deleteIfExists(nodeRecording);
      Files.deleteIfExists(workerRecording);
    }
    Path cliArchive = ClassArchive.path(ClassArchive.Kind.CLI).orElseThrow();
    ClassArchive.recordedFor(Distribution.home().orElseThrow());
    spec.commandLine().getOut().printf("tandem: recorded the class archives %s (%.1f MB), %s (%.1f MB)%s in %.1f s%n",
        nodeArchive, Files.size(nodeArchive) / 1e6, workerArchive, Files.size(workerArchive) / 1e6,
        Files.isRegularFile(cliArchive) ? String.format(" and %s (%.1f MB)", cliArchive, Files.size(cliArchive) / 1e6) : "",
        (System.nanoTime() - start) / 1e9);
    return ExitCodes.OK;
  }

  /**
   * The CLI's archive: a JVM with the CLI's options (bin/tandem's, which it must match to map the
   * archive) that runs {@code --cli-round} against the training node, then writes what it loaded.
   */
  private static void recordCli(String url) throws IOException, InterruptedException {
    Path archive = ClassArchive.path(ClassArchive.Kind.CLI).orElseThrow();
    Path recording = recording(archive);
    try {
      List<String> options = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:ArchiveClassesAtExit=" + recording);
      Process cli = new ProcessBuilder(Distribution.javaCommand(options, List.of("cds-train", "--cli-round", url)))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!cli.waitFor(120, TimeUnit.SECONDS)) {
        cli.destroyForcibly();
        throw new CliException(ExitCodes.JOB_FAILED, "the training CLI did not finish; CLI commands start without an archive");
      }
      install(recording, archive, "CLI");
    } finally {
      Files.deleteIfExists(recording);
    }
  }

  /**
   * Each command a user runs against a cluster, once, with its output thrown away, and every
   * command's options read (help): the classes of the CLI in use. Failures are fine here (a
   * refused job loads the error path too); only the classes count.
   */
  private static int cliRound(String url) {
    List<List<String>> runs = List.of(
        List.of("--help"),
        List.of("submit", "square", "x=12", "--node", url),
        List.of("submit", "square", "x=12", "--json", "--node", url),
        List.of("submit", "sleep", "ms=1", "--no-wait", "--node", url),
        List.of("map", "square", "--range", "x=1..100", "--reduce", "sum", "--node", url),
        List.of("map", "square", "--values", "x=1,2,3", "--json", "--node", url),
        List.of("pipeline", "sleep ms=1", "wordcount", "--node", url),
        List.of("status", "no-such-1", "--node", url),
        List.of("jobs", "--node", url),
        List.of("members", "--node", url),
        List.of("catalog", "--node", url),
        List.of("cancel", "no-such-1", "--node", url),
        List.of("logs", "no-such-1", "--node", url),
        List.of("submit", "no-such-job", "--node", url),
        List.of("jobs", "--node", "http://127.0.0.1:1"));
    java.io.PrintWriter nowhere = new java.io.PrintWriter(java.io.Writer.nullWriter());
    for (List<String> run : runs) {
      String[] args = run.toArray(String[]::new);
      picocli.CommandLine cli = Tandem.commandLine(args);
      cli.setOut(nowhere);
      cli.setErr(nowhere);
      cli.execute(args);
    }
    return ExitCodes.OK;
  }

  /** Where the JVM writes an archive before it replaces the one in use (none half-written is ever used). */
  private static Path recording(Path archive) throws IOException {
    Files.deleteIfExists(archive);
    Path recording = archive.resolveSibling(archive.getFileName() + ".recording");
    Files.deleteIfExists(recording);
    return recording;
  }

  private static void install(Path recording, Path archive, String kind) throws IOException {
    if (!Files.isRegularFile(recording) || Files.size(recording) == 0) {
      throw new CliException(ExitCodes.JOB_FAILED, "the training " + kind + " wrote no archive; " + kind + "s start without one");
    }
    Files.move(recording, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void awaitWorker(TandemClient client, Process worker) throws InterruptedException {
    long deadline = System.nanoTime() + READY.toNanos();
    while (client.health().join().path("workers").asInt() < 1) {
      if (!worker.isAlive() || System.nanoTime() > deadline) {
        throw new CliException(ExitCodes.JOB_FAILED, "the training worker did not become ready");
      }
      Thread.sleep(50);
    }
  }

  /** Waits until the node no longer counts the stopping worker (it has left), or the worker is gone. */
  private static void awaitLeft(TandemClient client, Process worker) throws InterruptedException {
    long deadline = System.nanoTime() + READY.toNanos();
    while (worker.isAlive() && System.nanoTime() < deadline && client.health().join().path("workers").asInt() > 0) {
      Thread.sleep(50);
    }
  }

  /**
   * The jobs a worker typically runs (single tasks, chunks, parts, an I/O job held in a worker),
   * and what a node typically does around them: maps of inputs and of I/O waits, the job stream,
   * listings, a cancel, a bad request.
   */
  private static void exercise(TandemClient client) {
    ObjectNode processes = Json.object().put("on", "processes");
    List<Runnable> jobs = List.of(
        () -> client.run("noop", Json.object().put("x", 1)).join(),
        () -> client.run("square", Json.object().put("x", 12)).join(),
        () -> client.run("primes", Json.object().put("n", 200_000)).join(),
        () -> client.run("sha256", Json.object().put("text", "tandem").put("rounds", 1000)).join(),
        () -> client.run("wordcount", Json.object().put("input", "a b a".repeat(200_000)).put("top", 1)).join(),
        () -> client.run("payload", Json.object().put("bytes", 3_000_000)).join(),
        () -> client.run("sleep", Json.object().put("ms", 10), processes).join(),
        () -> {
          ObjectNode map = Json.object();
          map.putObject("range").put("key", "x").put("from", 1).put("to", 20_000);
          map.put("reduce", "sum");
          client.runMap("square", Json.object(), map).join();
        },
        () -> {
          ObjectNode map = Json.object();
          var inputs = map.putArray("inputs");
          for (int i = 0; i < 2_000; i++) {
            inputs.addObject().put("ms", 5);
          }
          client.runMap("sleep", Json.object(), map).join();
          client.runMap("sleep-blocking", Json.object(), map).join();
        },
        () -> {
          try (JobChannel channel = client.openChannel().join()) {
            var runs = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
            for (int i = 0; i < 5_000; i++) {
              runs.add(channel.run("noop", Json.object().put("x", i)));
            }
            runs.forEach(java.util.concurrent.CompletableFuture::join);
          }
        },
        () -> {
          String id = client.submit("sleep", Json.object().put("ms", 60_000)).join().path("id").asText();
          client.cancel(id).join();
          client.awaitJob(id).join();
          client.jobs(50).join();
          client.members().join();
          client.catalog().join();
          client.submit("no-such-job", Json.object()).handle((ok, error) -> ok).join();
        });
    // One round: three loaded no class one did not (the archives came out the same size).
    jobs.forEach(Runnable::run);
  }
}
