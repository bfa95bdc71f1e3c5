package tandem.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * Maps far larger than a node holds, with the node's peak RSS (read from /proc) against its RSS
 * before the suite began: a folded range of ten million, a million results in order through the
 * CLI into a file, and a two-million-line input file uploaded by the CLI. Memory must follow what
 * is in flight, not the size of the map; the goal is at most 150 MB above idle.
 */
final class MemoryRows {
  private static final double GOAL_MB = 150;
  private static final int FOLDED = 10_000_000;
  private static final int STREAMED = 1_000_000;
  private static final int LINES = 2_000_000;

  private final BenchCluster cluster;
  private final TandemClient client;
  private final int reps;
  private final Progress progress;
  /** The node's RSS before the suite ran anything, in MB. */
  private final double idleMb;

  MemoryRows(BenchCluster cluster, int reps, Progress progress) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.reps = reps;
    this.progress = progress;
    this.idleMb = nodeRssMb();
  }

  /**
   * The node's resident memory at rest, in MB: the least of a second's samples, as a node just
   * started still settles (NaN when the node is not on this machine).
   */
  private double nodeRssMb() {
    if (!cluster.local()) {
      return Double.NaN;
    }
    double least = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      least = Math.min(least, ProcessSampler.watch(List.of(cluster.nodePid())).stop().rssBytes() / 1e6);
      BenchCluster.sleep(200);
    }
    return least;
  }

  List<Figure> run() {
    List<Figure> out = new ArrayList<>();
    if (!cluster.local()) {
      progress.say("the node's memory is read from /proc only on a node of this machine; memory rows skipped");
      return out;
    }
    Path bin = Suite.tandemBin();
    Path dir;
    try {
      dir = Files.createTempDirectory("tandem-bench-");
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot make a folder for the memory rows: " + e.getMessage());
    }
    try {
      Path inputs = lines(dir.resolve("inputs.jsonl"));
      out.add(measured(String.format("map square --range x=1..%,d --reduce sum: node RSS peak above idle (%.0f MB)", FOLDED, idleMb),
          () -> {
            ObjectNode map = Json.object();
            map.putObject("range").put("key", "x").put("from", 1).put("to", FOLDED);
            map.put("reduce", "sum");
            BenchCluster.succeeded(client.runMap("square", Json.object(), map).join());
          }));
      out.add(measured(String.format("map square --range x=1..%,d > file (CLI, every result in order): node RSS above idle", STREAMED),
          () -> cli(bin, dir, STREAMED, "--range", "x=1.." + STREAMED)));
      out.add(measured(String.format("map square --inputs FILE of %,d lines > file (CLI uploads it): node RSS above idle", LINES),
          () -> cli(bin, dir, LINES, "--inputs", inputs.toString())));
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // a temp folder left behind is harmless
      }
    }
    return out;
  }

  private Figure measured(String name, Runnable work) {
    List<Double> above = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("%s %d/%d", name, i + 1, reps);
      ProcessSampler sampler = ProcessSampler.watch(List.of(cluster.nodePid()));
      work.run();
      above.add(sampler.stop().rssBytes() / 1e6 - idleMb);
    }
    return Figure.of(name, "MB", above, GOAL_MB, false, "-");
  }

  /** {@code {"x": 1}} to {@code {"x": LINES}}, one per line. */
  private static Path lines(Path file) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= LINES; i++) {
        out.write("{\"x\": " + i + "}\n");
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot write " + file + ": " + e.getMessage());
    }
    return file;
  }

  /** Runs {@code tandem map square ARGS} with its results into a file, and checks each is x squared, in order. */
  private void cli(Path bin, Path dir, int count, String... args) {
    Path results = dir.resolve("results.txt");
    List<String> command = new ArrayList<>(List.of(bin.toString(), "map", "square"));
    command.addAll(List.of(args));
    command.addAll(List.of("--node", client.base().toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(results.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("TANDEM_JAVA_OPTS");
    try {
      Process p = pb.start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new CliException(ExitCodes.JOB_FAILED, "tandem " + String.join(" ", command.subList(1, command.size())) + " did not succeed");
      }
      long n = 0;
      try (BufferedReader in = Files.newBufferedReader(results)) {
        for (String line; (line = in.readLine()) != null; ) {
          n++;
          if (Long.parseLong(line) != n * n) {
            throw new CliException(ExitCodes.JOB_FAILED, "result " + n + " was " + line + ", not " + n * n);
          }
        }
      }
      if (n != count) {
        throw new CliException(ExitCodes.JOB_FAILED, "the CLI printed " + n + " results of " + count);
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot run " + bin + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted");
    }
  }
}
