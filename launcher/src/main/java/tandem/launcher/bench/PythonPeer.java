package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.process.Distribution;
import tandem.protocol.api.Json;

/**
 * Python's half of {@code tandem bench --vs-python}: runs {@code python/vs_python.py} of the
 * distribution with {@code python3} on the PATH, over the same primes workload and as many
 * processes as Tandem has workers, and reads what it measured. Never at the same time as Tandem's
 * half, so the two do not share the cores: in turns.
 *
 * @param python the Python version
 * @param serialSeconds the primes counted in one process
 * @param poolSeconds the same with {@code Pool(workers).map} over the chunks
 * @param applyAsyncPerSecond no-op tasks submitted one by one with {@code Pool.apply_async}
 * @param threadPoolPerSecond the same with {@code ThreadPoolExecutor(workers).submit}
 * @param poolMapPerSecond elements of {@code Pool.map(noop, range(N))}
 * @param imapPerSecond elements of {@code Pool.imap(noop, range(N), chunksize)}, read in order
 */
record PythonPeer(String python, double serialSeconds, double poolSeconds, double applyAsyncPerSecond,
    double threadPoolPerSecond, double poolMapPerSecond, double imapPerSecond, int imapChunksize) {

  double poolSpeedup() {
    return serialSeconds / poolSeconds;
  }

  /** Why Python's half cannot run here, or empty when it can. */
  static Optional<String> unavailable() {
    if (script().isEmpty()) {
      return Optional.of("vs_python.py is not in this distribution (run bin/tandem from launcher/target/tandem)");
    }
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return Optional.of("python3 on the PATH did not answer --version");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("python3 is not on the PATH");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private static Optional<Path> script() {
    return Distribution.home().map(home -> home.resolve("python/vs_python.py")).filter(Files::isReadable);
  }

  /**
   * Runs the whole script once; its progress lines go to this process's stderr.
   *
   * @param jobs no-op tasks submitted one by one
   * @param mapElements elements of the no-op maps over {@code range(N)}
   */
  static PythonPeer run(PrimesWorkload cpu, int workers, int jobs, int mapElements) {
    return of(invoke(cpu, workers, jobs, mapElements, "cpu,jobs,maps", 1));
  }

  /**
   * Everything but the CPU pair, each jobs figure the median of {@code reps} runs: the suite
   * measures the CPU pair beside each of its own runs instead ({@link #cpuPair}). The CPU figures
   * of what this returns are NaN.
   */
  static PythonPeer runWithoutCpu(PrimesWorkload cpu, int workers, int jobs, int mapElements, int reps) {
    return of(invoke(cpu, workers, jobs, mapElements, "jobs,maps", reps));
  }

  /** The primes serially, then in {@code Pool(workers).map} over the chunks: one pair, seconds each. */
  record CpuPair(double serialSeconds, double poolSeconds) {
    double speedup() {
      return serialSeconds / poolSeconds;
    }
  }

  static CpuPair cpuPair(PrimesWorkload cpu, int workers) {
    JsonNode r = invoke(cpu, workers, 1, 1, "cpu", 1);
    return new CpuPair(r.path("serialS").asDouble(), r.path("poolS").asDouble());
  }

  private static PythonPeer of(JsonNode r) {
    return new PythonPeer(r.path("python").asText(), r.path("serialS").asDouble(Double.NaN), r.path("poolS").asDouble(Double.NaN),
        r.path("applyAsyncPerS").asDouble(), r.path("threadPoolPerS").asDouble(), r.path("poolMapPerS").asDouble(),
        r.path("imapPerS").asDouble(), r.path("imapChunksize").asInt());
  }

  private static JsonNode invoke(PrimesWorkload cpu, int workers, int jobs, int mapElements, String parts, int reps) {
    Path script = script().orElseThrow(() -> new CliException(ExitCodes.USAGE, unavailable().orElse("no vs_python.py")));
    List<String> command = List.of("python3", script.toString(), "--below", Long.toString(cpu.below()),
        "--chunks", Integer.toString(cpu.chunks()), "--workers", Integer.toString(workers), "--jobs", Integer.toString(jobs),
        "--map", Integer.toString(mapElements), "--parts", parts, "--reps", Integer.toString(reps));
    try {
      Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new CliException(ExitCodes.JOB_FAILED, "python3 " + script + " did not succeed: " + out.strip());
      }
      return Json.read(out);
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot run python3 " + script + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted");
    }
  }
}
