package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/**
 * The lesson's exercise: a CPU-bound and an I/O-bound workload, each run serially (one thread),
 * on the node's threads and in worker processes, timed and watched from outside.
 */
final class Exercise {
  private final BenchCluster cluster;
  private final TandemClient client;
  private final Progress progress;

  /**
   * How big the workloads are.
   *
   * @param waits how many 1 s waits the I/O workload makes
   */
  record Sizes(PrimesWorkload cpu, int waits, int waitMs) {
    static Sizes standard() {
      return new Sizes(PrimesWorkload.about(20_000_000, 16), 10, 1000);
    }

    static Sizes quick() {
      return new Sizes(PrimesWorkload.about(3_200_000, 16), 4, 1000);
    }
  }

  Exercise(BenchCluster cluster, Progress progress) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.progress = progress;
  }

  List<BenchRow> run(Sizes sizes) {
    List<BenchRow> rows = new ArrayList<>();
    PrimesWorkload cpu = sizes.cpu();
    progress.say("warming up the node's and the workers' JIT on a small run");
    PrimesWorkload warm = PrimesWorkload.about(3_200_000, cpu.chunks());
    primes(warm, warm.perChunk(), "threads");
    primes(warm, warm.perChunk(), null);

    progress.say("cpu: primes below %,d in %d balanced chunks, serially on one node thread", cpu.below(), cpu.chunks());
    Measured serial = measure(List.of(cluster.nodePid()), () -> primes(cpu, (int) cpu.blocks(), "threads"));
    rows.add(row("cpu", "serial", "1 thread of the node", serial, serial));
    progress.say("cpu: the same on the node's compute threads");
    Measured threads = measure(List.of(cluster.nodePid()), () -> primes(cpu, cpu.perChunk(), "threads"));
    rows.add(row("cpu", "threads", Runtime.getRuntime().availableProcessors() + " node threads (one per core)", threads, serial));
    progress.say("cpu: the same in %d worker processes", cluster.workers());
    Measured processes = measure(cluster.nodeAndWorkerPids(), () -> primes(cpu, cpu.perChunk(), null));
    rows.add(row("cpu", "processes", cluster.workers() + " worker processes", processes, serial));
    sameAnswer("cpu", serial, threads, processes);

    progress.say("io: %d waits of %d ms, one after another", sizes.waits(), sizes.waitMs());
    Measured ioSerial = measure(List.of(cluster.nodePid()), () -> waitsOneByOne(sizes));
    rows.add(row("io", "serial", "one wait at a time", ioSerial, ioSerial));
    progress.say("io: %d waits at once on the node", sizes.waits());
    Measured ioNode = measure(List.of(cluster.nodePid()), () -> waits(sizes, null, "sleep"));
    rows.add(row("io", "threads", "node I/O dispatcher (no thread per wait)", ioNode, ioSerial));
    progress.say("io: %d blocking waits (Thread.sleep) at once on the node", sizes.waits());
    Measured ioBlocking = measure(List.of(cluster.nodePid()), () -> waits(sizes, null, "sleep-blocking"));
    rows.add(row("io", "blocking", "node, " + BenchCluster.blockingThreads(client).replaceFirst(" \\(.*", ""), ioBlocking, ioSerial));
    progress.say("io: %d waits at once in worker processes", sizes.waits());
    Measured ioProcesses = measure(cluster.nodeAndWorkerPids(), () -> waits(sizes, "processes", "sleep"));
    rows.add(row("io", "processes", cluster.workers() + " workers (a thread per wait)", ioProcesses, ioSerial));
    return rows;
  }

  /** A run's outcome, what the processes involved used, and what the cluster's other processes used meanwhile. */
  private record Measured(double wallSeconds, JsonNode job, ProcessSampler.Usage usage, ProcessSampler.Usage others) {}

  private Measured measure(List<Long> pids, Supplier<JsonNode> work) {
    ProcessSampler sampler = cluster.local() ? ProcessSampler.watch(pids) : null;
    List<Long> rest = cluster.nodeAndWorkerPids().stream().filter(pid -> !pids.contains(pid)).toList();
    ProcessSampler all = cluster.local() ? ProcessSampler.watch(rest) : null;
    long start = System.nanoTime();
    JsonNode job;
    try {
      job = work.get();
    } finally {
      if (sampler != null) {
        sampler.close();
        all.close();
      }
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new Measured(wall, job, sampler == null ? ProcessSampler.Usage.UNKNOWN : sampler.stop(),
        all == null ? ProcessSampler.Usage.UNKNOWN : all.stop());
  }

  private static BenchRow row(String workload, String mode, String where, Measured m, Measured serial) {
    String ranOn = m.job() == null ? "-" : m.job().path("ranOn").path("role").asText("-");
    return new BenchRow(workload, mode, where, ranOn, m.wallSeconds(), serial.wallSeconds() / m.wallSeconds(), m.usage(),
        !m.usage().known() ? Double.NaN
            : (m.usage().cpu().toNanos() + (m.others().known() ? m.others().cpu().toNanos() : 0)) / 1e9);
  }

  private JsonNode primes(PrimesWorkload workload, int chunk, String on) {
    ObjectNode map = workload.map(chunk);
    if (on != null) {
      map.put("on", on);
    }
    return BenchCluster.succeeded(client.runMap("primes", Json.object(), map).join());
  }

  private JsonNode waitsOneByOne(Sizes sizes) {
    JsonNode last = null;
    for (int i = 0; i < sizes.waits(); i++) {
      last = BenchCluster.succeeded(client.run("sleep", Json.object().put("ms", sizes.waitMs())).join());
    }
    return last;
  }

  private JsonNode waits(Sizes sizes, String on, String job) {
    ObjectNode map = Json.object();
    ArrayNode inputs = map.putArray("inputs");
    for (int i = 0; i < sizes.waits(); i++) {
      inputs.addObject().put("ms", sizes.waitMs());
    }
    map.put("chunk", 1);
    if (on != null) {
      map.put("on", on);
    }
    return BenchCluster.succeeded(client.runMap(job, Json.object(), map).join());
  }


  private static void sameAnswer(String workload, Measured... runs) {
    JsonNode first = runs[0].job().path("result");
    for (Measured m : runs) {
      if (!m.job().path("result").equals(first)) {
        throw new CliException(ExitCodes.JOB_FAILED, workload + " runs disagree: " + first + " vs " + m.job().path("result"));
      }
    }
  }

}
