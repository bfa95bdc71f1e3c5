package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.JobChannel;
import tandem.launcher.client.TandemClient;
import tandem.launcher.process.Distribution;
import tandem.protocol.api.Json;

/**
 * The figures that matter, each measured {@code reps} times in one invocation so they can be set
 * side by side: speedup, task throughput, latency, I/O concurrency, worker start-up and size,
 * message size.
 */
final class Suite {
  private static final int MAP_TASKS = 100_000;
  static final int INDIVIDUAL_TASKS = 20_000;
  /** The CPU workload of the speedup row. */
  static final PrimesWorkload CPU = PrimesWorkload.about(20_000_000, 16);
  /**
   * Python's CPU pair beside it: the same 16 chunks of blocks dealt round-robin, over a range
   * CPython counts serially in about as long as Java counts {@link #CPU} (12-16 s against 6-7 s
   * here; CPython is about 15 times slower at it). The speedup of balanced chunks this long does not
   * depend on the range, and five pairs of the full range would add half an hour to a suite.
   */
  static final PrimesWorkload PYTHON_CPU = PrimesWorkload.about(3_200_000, 16);
  private static final int IN_FLIGHT = NoopJobs.IN_FLIGHT;
  private static final int ROUND_TRIPS = 1_000;
  private static final int WAITS = 10_000;
  /**
   * Measured on this 2-core machine on 2026-12-02, 3 runs each, pool started before timing, the
   * clock from the call to the last result read: N = 1M and 10M, {@code for r in Pool(2).imap(f,
   * range(N), chunksize=ceil(N/8))} (Pool.map's default chunksize for 2 processes), counting
   * results, 7.8M/s median both; {@code len(Pool(2).map(f, range(N)))} 8.1M/s both;
   * {@code imap(..., chunksize=1000)} 5.5-5.7M/s. {@code f} returns its argument.
   */
  private static final String IMAP_PEER = "Pool(2).imap(f, range(N), chunksize=N/8) ~7.8M/s, map ~8.1M/s";
  private final BenchCluster cluster;
  private final TandemClient client;
  private final int reps;
  private final List<String> workerJvmOptions;
  private final Progress progress;
  /** What Python measured in this run ({@code --vs-python}), or null: then the peer column holds figures measured before. */
  private final PythonPeer python;
  /** Python's Pool over serial as the CPU row measured it in this run, for the rows after it; or null. */
  private String poolSpeedup;

  /** Starts a node like the suite's, with a journal or without; null when the suite runs on a node it did not start. */
  private final java.util.function.Function<Boolean, BenchCluster> freshNode;

  Suite(BenchCluster cluster, int reps, List<String> workerJvmOptions, Progress progress, PythonPeer python,
      java.util.function.Function<Boolean, BenchCluster> freshNode) {
    this.freshNode = freshNode;
    this.python = python;
    this.cluster = cluster;
    this.client = cluster.client();
    this.reps = reps;
    this.workerJvmOptions = workerJvmOptions;
    this.progress = progress;
  }

  /** A row failed: the figures measured before it, so a long suite does not lose them all. */
  static final class Unfinished extends RuntimeException {
    final List<Figure> measured;

    Unfinished(List<Figure> measured, RuntimeException cause) {
      super(cause instanceof CompletionException && cause.getCause() != null
          ? cause.getCause().getMessage() : cause.getMessage(), cause);
      this.measured = measured;
    }
  }

  /** @throws Unfinished when a row fails, with the rows measured before it */
  List<Figure> run() {
    List<Figure> figures = new ArrayList<>();
    try {
      measure(figures);
    } catch (RuntimeException e) {
      throw new Unfinished(figures, e);
    }
    return figures;
  }

  private void measure(List<Figure> figures) {
    // First, against the node's RSS at rest: the rows after this one grow its heap with garbage.
    figures.addAll(new MemoryRows(cluster, reps, progress).run());
    progress.say("warming up");
    primes(PrimesWorkload.about(3_200_000, 16), 200);
    mapNoops();
    try (JobChannel channel = client.openChannel().join()) {
      warmUpChannel(channel);
    }
    individualNoops(x -> client.run("noop", Json.object().put("x", x)), 2_000);
    figures.addAll(cpuSpeedup());
    if (cluster.ownCluster() && cluster.workers() >= 2) {
      figures.addAll(freshWorker());
    } else {
      progress.say("the fresh-worker speedup needs a cluster bench starts itself with 2 or more workers; skipped");
    }
    figures.add(repeat("no-op tasks/s through workers, one map", "tasks/s", 100_000, true,
        "Pool.map(chunksize=1) 38k/s, Dask 2.4k/s", this::mapNoops));
    for (int elements : new int[] {1_000_000, 10_000_000}) {
      figures.add(repeat(String.format("no-op map of %,d elements, --reduce sum (folded in the workers)", elements),
          "elements/s", 7_000_000, true, measured(p -> String.format("Pool(%d).map(f, range(1M)) %.2fM/s (this run)", cluster.workers(), p.poolMapPerSecond() / 1e6),
              "Pool(2).map(f, range(N)) ~7M/s (results as a list)"), () -> foldedMap(elements)));
    }
    for (int elements : new int[] {1_000_000, 10_000_000}) {
      List<Double> rss = new ArrayList<>();
      figures.add(repeat(String.format("no-op map of %,d elements, every result in order to the Java client (inOrder)", elements),
          "elements/s", 7_000_000, true, measured(p -> String.format("imap(f, range(1M), chunksize=%,d) %.2fM/s (this run)", p.imapChunksize(), p.imapPerSecond() / 1e6),
              IMAP_PEER), () -> inOrderMap(elements, rss)));
      if (!rss.isEmpty()) {
        figures.add(Figure.of("  the node's RSS (peak)", "MB", rss, Double.NaN, false, "-"));
      }
    }
    // A channel opened only now: the node closes a connection idle for 75 s
    // (pekko.http.server.idle-timeout), and the rows above take longer than that.
    try (JobChannel channel = client.openChannel().join()) {
      Figure oneByOne = repeat("no-op tasks/s, each submitted on its own (Java client's job channel, " + IN_FLIGHT + " in flight)",
          "tasks/s", 30_000, true, measured(p -> String.format("apply_async %.1fk/s, ThreadPoolExecutor %.1fk/s (medians of this run)", p.applyAsyncPerSecond() / 1e3,
            p.threadPoolPerSecond() / 1e3), "ProcessPoolExecutor.submit 7.8k/s"),
          () -> individualNoops(x -> channel.run("noop", Json.object().put("x", x)), INDIVIDUAL_TASKS));
      figures.add(oneByOne);
      if (python != null && python.applyAsyncPerSecond() > 0) {
        // The goal side by side: 1.4 x what Pool.apply_async did on this machine in this run.
        figures.add(Figure.of("  each run over apply_async of this run", "x",
            oneByOne.samples().stream().map(rate -> rate / python.applyAsyncPerSecond()).toList(), 1.4, true, "-"));
      }
      figures.addAll(roundTrips(channel));
    }
    figures.add(repeat("round trip p50 through the CLI (its JVM start included)", "ms", Double.NaN, false, "-", this::cliRoundTrip));
    if (freshNode != null) {
      figures.addAll(journalCost());
    } else {
      progress.say("the journal's cost needs a node bench starts itself; skipped");
    }
    figures.addAll(ioWaits());
    int bytes = WireSize.smallJobBytes();
    figures.add(Figure.of("bytes on the wire for a small job message (RunTasks, one noop task)", "B",
        List.of((double) bytes), 64, false, "Java serialization ~900 B"));
    if (cluster.ownCluster()) {
      figures.addAll(workerStarts());
    } else {
      progress.say("worker start-up is measured only on a cluster bench starts itself; skipped");
    }
  }

  /**
   * The journal's cost: two new nodes alike but for the journal, one recording every job (as
   * 'tandem up' nodes do) and one without, warmed alike and measured in turns, so the machine's
   * noise falls on both alike: jobs one by one over the job channel, and a map of 1,000,000
   * squares summed. Not the suite's own node: by now it has run far more jobs than a new one is
   * warmed with, and a node's cost per job keeps falling over its first few hundred thousand
   * jobs (JIT), which made the node without a journal look 30% slower.
   */
  private List<Figure> journalCost() {
    progress.say("starting two more nodes, one with a journal and one without...");
    try (BenchCluster recording = freshNode.apply(true); BenchCluster plain = freshNode.apply(false)) {
      TandemClient withIt = recording.client();
      TandemClient other = plain.client();
      List<Double> jobsOn = new ArrayList<>();
      List<Double> jobsOff = new ArrayList<>();
      List<Double> mapOn = new ArrayList<>();
      List<Double> mapOff = new ArrayList<>();
      try (JobChannel on = withIt.openChannel().join(); JobChannel off = other.openChannel().join()) {
        for (JobChannel channel : List.of(on, off)) {
          warmUpChannel(channel);
        }
        for (int i = 0; i < 3; i++) {
          for (boolean journal : new boolean[] {true, false}) {
            JobChannel channel = journal ? on : off;
            individualNoops(x -> channel.run("noop", Json.object().put("x", x)), INDIVIDUAL_TASKS);
            squaresSummed(journal ? withIt : other);
          }
        }
        for (int i = 0; i < reps; i++) {
          progress.say("the journal's cost %d/%d: jobs one by one and a map of 1,000,000 squares in chunks of 1,000, with and without it", i + 1, reps);
          boolean onFirst = i % 2 == 0; // which goes first alternates: neither always gets a quieter machine
          for (boolean journal : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
            JobChannel channel = journal ? on : off;
            (journal ? jobsOn : jobsOff).add(individualNoops(x -> channel.run("noop", Json.object().put("x", x)), INDIVIDUAL_TASKS));
            (journal ? mapOn : mapOff).add(squaresSummed(journal ? withIt : other));
          }
        }
      }
      List<Double> jobsCost = new ArrayList<>();
      List<Double> mapCost = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        jobsCost.add(100 * (1 - jobsOn.get(i) / jobsOff.get(i)));
        mapCost.add(100 * (mapOn.get(i) / mapOff.get(i) - 1));
      }
      return List.of(
          Figure.of("jobs one by one (job channel), journal on (SQLite, as tandem up's nodes)", "tasks/s", jobsOn, Double.NaN, true, "-"),
          Figure.of("  the same on a node without a journal", "tasks/s", jobsOff, Double.NaN, true, "-"),
          Figure.of("  throughput the journal costs", "%", jobsCost, 30, false, "-"),
          Figure.of("map square of 1,000,000 --reduce sum --chunk 1000, journal on: wall", "s", mapOn, Double.NaN, false, "-"),
          Figure.of("  the same on a node without a journal", "s", mapOff, Double.NaN, false, "-"),
          Figure.of("  wall time the journal adds", "%", mapCost, 10, false, "-"));
    }
  }

  /**
   * The map, in chunks of 1,000: 1,000 chunks each recorded as it settles (for a takeover
   * to resume from), where the chunks the node would pick (100,000) take 40 ms in all, too short
   * to tell the journal's cost from noise.
   */
  private double squaresSummed(TandemClient on) {
    ObjectNode map = Json.object();
    map.putObject("range").put("key", "x").put("from", 1).put("to", 1_000_000);
    map.put("reduce", "sum");
    map.put("chunk", 1000);
    return timed(() -> BenchCluster.succeeded(on.runMap("square", Json.object(), map).join()));
  }

  /**
   * Serial (the whole workload as one task in one worker) against the same in balanced chunks on
   * every worker; with Python, its serial run and {@code Pool(N).map} over chunks of the same
   * shape ({@link #PYTHON_CPU}) after each of Tandem's runs, while the cluster idles. One pair of
   * either moves by more than the difference between them on a shared machine, so the goal is the
   * median of Python's pairs taken in the same minutes, not one pair.
   */
  private List<Figure> cpuSpeedup() {
    PrimesWorkload cpu = CPU;
    List<Double> speedups = new ArrayList<>();
    List<Double> pools = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("cpu speedup %d/%d: primes below %,d, one chunk in one worker, then %d chunks on %d workers%s", i + 1, reps,
          cpu.below(), cpu.chunks(), cluster.workers(), python == null ? "" : ", then Python's serial run and Pool");
      double serial = timed(() -> primes(cpu, (int) cpu.blocks()));
      double parallel = timed(() -> primes(cpu, cpu.perChunk()));
      speedups.add(serial / parallel);
      if (python != null) {
        pools.add(PythonPeer.cpuPair(PYTHON_CPU, cluster.workers()).speedup());
      }
    }
    Figure pythons = pools.isEmpty() ? null : Figure.of(String.format(
        "  Python's Pool(%d).map, 16 chunks of primes below %,d, in turns with the above", cluster.workers(), PYTHON_CPU.below()),
        "x", pools, Double.NaN, true, "-");
    if (pythons != null) {
      poolSpeedup = String.format("Pool(%d) %.2fx (median of this run)", cluster.workers(), pythons.median());
    }
    List<Figure> out = new ArrayList<>();
    out.add(Figure.of("CPU speedup, " + cluster.workers() + " workers, 16 balanced chunks", "x", speedups,
        pythons == null ? 1.90 : pythons.median(), true, pythons == null ? "Pool(2) 1.86x, Dask 1.77x" : poolSpeedup));
    if (pythons != null) {
      out.add(pythons);
    }
    // ...and the slowest run not far below the machine's ceiling: the spread is the issue too.
    out.add(Figure.of("  its slowest run", "x", List.of(Collections.min(speedups)), 1.80, true, "-"));
    return out;
  }

  /**
   * The way a user scales: {@code tandem scale} one worker down, the map on the rest, {@code tandem
   * scale} back up (it returns once the new worker is ready), the same map with that worker fresh,
   * then once more with it warm.
   */
  private List<Figure> freshWorker() {
    PrimesWorkload cpu = CPU;
    int all = cluster.workers();
    List<Double> fresh = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("fresh worker %d/%d: %d chunks on %d workers, then scale to %d and the same map twice", i + 1, reps,
          cpu.chunks(), all - 1, all);
      client.scale(all - 1).join();
      client.awaitWorkers(count -> count <= all - 1, Duration.ofSeconds(60)).join();
      double fewer = timed(() -> primes(cpu, cpu.perChunk()));
      client.scale(all).join();
      BenchCluster.awaitWorkers(client, all);
      fresh.add(fewer / timed(() -> primes(cpu, cpu.perChunk())));
      warm.add(fewer / timed(() -> primes(cpu, cpu.perChunk())));
    }
    String peer = poolSpeedup != null ? poolSpeedup : "Pool(1) -> Pool(2) 1.86x";
    String name = String.format("CPU speedup %d -> %d workers (tandem scale), ", all - 1, all);
    // The goal is for 1 -> 2, where the machine's ceiling is about 1.88x.
    double goal = all == 2 ? 1.80 : Double.NaN;
    return List.of(
        Figure.of(name + "the new worker fresh", "x", fresh, goal, true, peer),
        Figure.of(name + "both warm", "x", warm, goal, true, "-"));
  }

  /** A range map whose results fold: its chunks go out as bounds, one partial comes back per chunk. */
  private double foldedMap(int elements) {
    ObjectNode map = Json.object();
    map.putObject("range").put("key", "x").put("from", 1).put("to", elements);
    map.put("reduce", "sum");
    double seconds = timed(() -> BenchCluster.succeeded(client.runMap("noop", Json.object(), map).join()));
    return elements / seconds;
  }

  /**
   * A range map without reduce, every result read here in input order ({@link TandemClient#inOrder},
   * like {@code Pool.imap}); a map this large streams its results, the node dropping them once
   * read. Timed from the submit to the last result read; the node's peak RSS goes to {@code rss}
   * when it is local.
   */
  private double inOrderMap(int elements, List<Double> rss) {
    ObjectNode map = Json.object();
    map.putObject("range").put("key", "x").put("from", 1).put("to", elements);
    ProcessSampler sampler = cluster.local() ? ProcessSampler.watch(List.of(cluster.nodePid())) : null;
    long start = System.nanoTime();
    String id = client.submitMap("noop", Json.object(), map).join().path("id").asText();
    long read = 0;
    for (Iterator<JsonNode> results = client.inOrder(id).iterator(); results.hasNext(); read++) {
      JsonNode entry = results.next();
      if (entry.path("index").asLong(-1) != read || entry.path("result").asLong(-1) != read + 1) {
        throw new CliException(ExitCodes.JOB_FAILED, "map " + id + ": result " + read + " in order was " + entry);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (sampler != null) {
      rss.add(sampler.stop().rssBytes() / 1e6);
    }
    if (read != elements) {
      throw new CliException(ExitCodes.JOB_FAILED, "map " + id + " delivered " + read + " of " + elements + " results");
    }
    BenchCluster.succeeded(client.job(id).join());
    return elements / seconds;
  }

  private double mapNoops() {
    ObjectNode map = Json.object();
    map.putObject("range").put("key", "x").put("from", 1).put("to", MAP_TASKS);
    map.put("reduce", "count");
    double seconds = timed(() -> BenchCluster.succeeded(client.runMap("noop", Json.object(), map).join()));
    return MAP_TASKS / seconds;
  }

  /**
   * The first hundred thousand or so jobs run while the JIT compilers of the node, the workers and
   * this client still work on their hot paths. Runs rounds of jobs until one is no faster than
   * the best before (at least five, at most about 40 s): what a node that runs a while does.
   */
  private void warmUpChannel(JobChannel channel) {
    double best = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    for (int round = 1; round <= 30 && System.nanoTime() < deadline; round++) {
      double rate = individualNoops(x -> channel.run("noop", Json.object().put("x", x)), INDIVIDUAL_TASKS);
      if (round > 5 && rate < best * 1.05) {
        return;
      }
      best = Math.max(best, rate);
    }
  }

  private double individualNoops(IntFunction<CompletableFuture<JsonNode>> run, int count) {
    return NoopJobs.perSecond(run, count);
  }

  /** One job at a time, each awaited before the next: over the job channel, and as one HTTP request each. */
  private List<Figure> roundTrips(JobChannel channel) {
    List<Double> p50 = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> httpP50 = new ArrayList<>();
    List<Double> busyP50 = new ArrayList<>();
    List<Double> busyP99 = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("round trips %d/%d: %,d no-op jobs one after another, on the job channel, then by HTTP", i + 1, reps, ROUND_TRIPS);
      List<Double> ms = roundTrips(x -> channel.run("noop", Json.object().put("x", x)));
      p50.add(Figure.percentile(ms, 50));
      p99.add(Figure.percentile(ms, 99));
      httpP50.add(Figure.percentile(roundTrips(x -> client.run("noop", Json.object().put("x", x))), 50));
      List<Double> busy = roundTripsInFlight(x -> channel.run("noop", Json.object().put("x", x)), 64);
      busyP50.add(Figure.percentile(busy, 50));
      busyP99.add(Figure.percentile(busy, 99));
    }
    return List.of(
        Figure.of("single job round trip p50, Java client (job channel)", "ms", p50, 0.5, false, "Dask 10.6 ms"),
        Figure.of("single job round trip p99, Java client (job channel)", "ms", p99, 2.0, false, "-"),
        Figure.of("single job round trip p50, Java client (one HTTP request each)", "ms", httpP50, Double.NaN, false, "-"),
        Figure.of("job round trip p50 with 64 in flight (job channel)", "ms", busyP50, Double.NaN, false, "-"),
        Figure.of("job round trip p99 with 64 in flight (job channel)", "ms", busyP99, Double.NaN, false, "-"));
  }

  /**
   * Each job's time from submit to result while {@code inFlight} are kept running at once (a new
   * one goes out as one ends), over {@code 10 * ROUND_TRIPS} jobs: latency under load.
   */
  private static List<Double> roundTripsInFlight(IntFunction<CompletableFuture<JsonNode>> run, int inFlight) {
    int count = 10 * ROUND_TRIPS;
    List<Double> ms = java.util.Collections.synchronizedList(new ArrayList<>(count));
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inFlight);
    for (int j = 0; j < count; j++) {
      window.acquireUninterruptibly();
      long start = System.nanoTime();
      run.apply(j).whenComplete((job, error) -> {
        if (error == null) {
          ms.add((System.nanoTime() - start) / 1e6);
        }
        window.release();
      });
    }
    window.acquireUninterruptibly(inFlight);
    if (ms.size() != count) {
      throw new CliException(ExitCodes.JOB_FAILED, (count - ms.size()) + " of " + count + " no-op jobs failed");
    }
    return new ArrayList<>(ms);
  }

  private static List<Double> roundTrips(IntFunction<CompletableFuture<JsonNode>> run) {
    List<Double> ms = new ArrayList<>(ROUND_TRIPS);
    for (int j = 0; j < ROUND_TRIPS; j++) {
      long start = System.nanoTime();
      BenchCluster.succeeded(run.apply(j).join());
      ms.add((System.nanoTime() - start) / 1e6);
    }
    return ms;
  }

  /** The distribution's {@code bin/tandem}, which the rows through the CLI run. */
  static Path tandemBin() {
    return Distribution.home().map(h -> h.resolve("bin/tandem"))
        .orElseThrow(() -> new CliException(ExitCodes.USAGE, "run the suite from the distribution (bin/tandem bench --suite)"));
  }

  private double cliRoundTrip() {
    Path bin = tandemBin();
    ProcessBuilder pb = new ProcessBuilder(bin.toString(), "submit", "noop", "x=1", "--node", client.base().toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("TANDEM_JAVA_OPTS");
    long start = System.nanoTime();
    try {
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new CliException(ExitCodes.JOB_FAILED, "tandem submit noop did not succeed through the CLI");
      }
    } catch (IOException e) {
      throw new CliException(ExitCodes.JOB_FAILED, "cannot run " + bin + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted");
    }
    return (System.nanoTime() - start) / 1e6;
  }

  /** Many 1 s waits at once on the node, as one map: how long, and what the node needed for them. */
  private List<Figure> ioWaits() {
    List<Figure> out = new ArrayList<>(ioWaits("sleep", WAITS, 1.05, 150, "asyncio 1.12 s, Python threads 3.64 s"));
    // As many as a node holds (tandem.jobs.max-queued), each a job of its own on the I/O dispatcher.
    out.addAll(ioWaits("sleep", 10 * WAITS, 1.5, 1000, "asyncio handles it"));
    // The lesson's blocking code: Thread.sleep on a thread of its own. On a node before JDK 21 the
    // 64 threads of its blocking pool would take 157 s for 10,000: the row needs virtual threads.
    if (BenchCluster.blockingThreads(client).startsWith("a virtual thread")) {
      out.addAll(ioWaits("sleep-blocking", WAITS, 1.10, 150, "Python threads 3.64 s"));
    } else {
      progress.say("10,000 blocking sleeps need a node on JDK 21 or later (virtual threads; TANDEM_JAVA_HOME); skipped");
    }
    return out;
  }

  private List<Figure> ioWaits(String job, int waits, double goalSeconds, double goalRssMb, String peer) {
    List<Double> walls = new ArrayList<>();
    List<Double> threads = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> rssBefore = new ArrayList<>();
    ObjectNode map = Json.object();
    ArrayNode inputs = map.putArray("inputs");
    for (int i = 0; i < waits; i++) {
      inputs.addObject().put("ms", 1000);
    }
    for (int i = 0; i < reps; i++) {
      progress.say("io %d/%d: %,d %s of 1 s at once on the node", i + 1, reps, waits, job);
      ProcessSampler sampler = cluster.local() ? ProcessSampler.watch(List.of(cluster.nodePid())) : null;
      walls.add(timed(() -> BenchCluster.succeeded(client.runMap(job, Json.object(), map).join())));
      if (sampler != null) {
        ProcessSampler.Usage usage = sampler.stop();
        threads.add((double) usage.threads());
        rss.add(usage.rssBytes() / 1e6);
        rssBefore.add(usage.startRssBytes() / 1e6);
      }
    }
    List<Figure> out = new ArrayList<>();
    String what = job.equals("sleep") ? "concurrent 1 s waits" : "concurrent blocking 1 s sleeps (" + job + ", JDK "
        + client.health().join().path("jdk").asText().replaceFirst("[.+].*", "") + ")";
    out.add(Figure.of(String.format("%,d %s on one node: wall", waits, what), "s", walls, goalSeconds, false, peer));
    if (!threads.isEmpty()) {
      out.add(Figure.of("  the node's threads (peak)", "threads", threads, 64, false, "-"));
      out.add(Figure.of("  the node's RSS (peak)", "MB", rss, goalRssMb, false, waits == WAITS ? "asyncio 37 MB, Python threads 136 MB" : "-"));
      // The peak includes heap the earlier rows grew (a collector keeps it): this is where it started.
      out.add(Figure.of("  the node's RSS before the waits", "MB", rssBefore, Double.NaN, false, "-"));
    }
    return out;
  }

  /** Starts a worker by hand, as a user would, and times it until the node has it ready for work. */
  private List<Figure> workerStarts() {
    String address = client.health().join().path("address").asText();
    String seed = address.substring(address.indexOf('@') + 1);
    List<Double> ready = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("worker start %d/%d: tandem worker --seed %s", i + 1, reps, seed);
      int before = client.health().join().path("workers").asInt();
      List<String> args = new ArrayList<>(List.of("worker", "--seed", seed, "--host", "127.0.0.1"));
      args.addAll(cluster.joinOptions());
      List<String> command = Distribution.javaCommand(workerJvmOptions, args);
      Process worker;
      long start = System.nanoTime();
      try {
        worker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      } catch (IOException e) {
        throw new CliException(ExitCodes.JOB_FAILED, "cannot start a worker: " + e.getMessage());
      }
      try {
        while (client.health().join().path("workers").asInt() <= before) {
          if (!worker.isAlive() || System.nanoTime() - start > 60e9) {
            throw new CliException(ExitCodes.JOB_FAILED, "the worker started by hand did not become ready");
          }
          BenchCluster.sleep(20); // polling harder would take CPU from the starting worker
        }
        ready.add((System.nanoTime() - start) / 1e6);
        BenchCluster.sleep(5_000);
        ProcessSampler sampler = ProcessSampler.watch(List.of(worker.pid()));
        BenchCluster.sleep(20);
        rss.add(sampler.stop().rssBytes() / 1e6);
      } finally {
        worker.destroy();
        try {
          if (!worker.waitFor(15, TimeUnit.SECONDS)) {
            worker.destroyForcibly();
          }
        } catch (InterruptedException e) {
          worker.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
      while (client.health().join().path("workers").asInt() > before) {
        BenchCluster.sleep(20);
      }
    }
    return List.of(
        Figure.of("worker start -> ready to take work", "ms", ready, 800, false, "Hazelcast member 1.5 s with AppCDS"),
        Figure.of("worker idle RSS (5 s after ready)", "MB", rss, 100, false, "Hazelcast member 94-120 MB"));
  }

  /** The peer column: what Python measured in this run, or the figure measured before. */
  private String measured(java.util.function.Function<PythonPeer, String> now, String before) {
    return python == null ? before : now.apply(python);
  }

  private Figure repeat(String name, String unit, double goal, boolean higherIsBetter, String peer, Measurement m) {
    List<Double> samples = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      progress.say("%s %d/%d", name, i + 1, reps);
      samples.add(m.once());
    }
    return Figure.of(name, unit, samples, goal, higherIsBetter, peer);
  }

  private interface Measurement {
    double once();
  }

  private JsonNode primes(PrimesWorkload workload, int chunk) {
    return BenchCluster.succeeded(client.runMap("primes", Json.object(), workload.map(chunk)).join());
  }

  private static double timed(Runnable work) {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }


}
