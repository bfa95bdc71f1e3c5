package tandem.launcher.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.process.NodeJvm;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ClusterTarget;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.TandemClient;
import tandem.launcher.process.ConfigLoader;
import tandem.launcher.process.WorkerJvm;
import tandem.protocol.api.Json;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure serial vs threads vs processes for a CPU-bound and an I/O-bound workload, and print a table.",
        "Starts a node with its workers for the run (or uses --node URL) and stops them afterwards."})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--node", paramLabel = "URL", description = "run on this running node instead of starting one")
  String node;

  @Option(names = "--workers", paramLabel = "N", description = "worker processes of the node it starts (default: one per core, ${DEFAULT-VALUE} here)")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(names = "--quick", description = "small workloads: done in well under 30 s")
  boolean quick;

  @Option(names = "--json", description = "print one JSON object instead of the table")
  boolean json;

  @Option(names = "--suite", description = "measure the figures that matter (speedup, tasks/s, latency, 10,000 waits, worker start-up and RSS), each several times")
  boolean suite;

  @Option(names = "--vs-python", description = "then run the same exercise with Python's multiprocessing (python3 on the PATH) and print both side by side; with --suite, the peer column shows what Python measured in this run")
  boolean vsPython;

  @Option(names = "--reps", paramLabel = "N", description = "with --suite: runs of each figure (default ${DEFAULT-VALUE})")
  int reps = 5;

  @Override
  public Integer call() {
    if (workers < 1 || workers > 64) {
      throw CliException.usage("--workers takes a number from 1 to 64");
    }
    if (node != null && spec.commandLine().getParseResult().hasMatchedOption("--workers")) {
      throw CliException.usage("--workers sizes the node bench starts; with --node the cluster's own workers are used");
    }
    if (reps < 1 || reps > 100) {
      throw CliException.usage("--reps takes a number from 1 to 100");
    }
    if (suite && quick) {
      throw CliException.usage("--quick sizes the exercise; the suite has its own sizes (use --reps 1 for a short suite)");
    }
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = new Progress(spec.commandLine().getErr());
    var config = ConfigLoader.load(java.util.Map.of(), null);
    try (BenchCluster cluster = cluster(progress, config)) {
      if (cluster.workers() < 1) {
        throw new CliException(ExitCodes.JOB_FAILED, "the node has no workers; start it with --workers 1 or more");
      }
      String where = String.format("%d cores, Java %s, one node with %d worker processes%s",
          Runtime.getRuntime().availableProcessors(), Runtime.version(), cluster.workers(),
          cluster.ownCluster() ? " (started for this run)" : " at " + cluster.client().base());
      java.util.Optional<String> noPython = vsPython ? PythonPeer.unavailable() : java.util.Optional.empty();
      noPython.ifPresent(why -> progress.say("%s: only Tandem's half runs", why));
      boolean withPython = vsPython && noPython.isEmpty();
      if (suite) {
        // Python first, while the cluster is idle: the suite's peer column then shows what it measured.
        // Its CPU pair runs later, in turns with the suite's own CPU runs.
        PythonPeer peer = withPython
            ? PythonPeer.runWithoutCpu(Suite.CPU, cluster.workers(), Suite.INDIVIDUAL_TASKS, VsPython.Sizes.of(false).mapElements(), reps)
            : null;
        String setting = "tandem bench --suite: " + where + ", " + reps + " runs each"
            + (peer == null ? "" : "; Python " + peer.python() + " measured in this run");
        List<Figure> figures;
        try {
          // Two more nodes like the first, one with and one without a journal, for the journal's cost side by side.
          java.util.function.Function<Boolean, BenchCluster> freshNode = node != null ? null
              : journal -> BenchCluster.start(workers, NodeJvm.options(config),
                  journal ? java.util.List.of() : java.util.List.of("--journal", ""));
          figures = new Suite(cluster, reps, WorkerJvm.options(config), progress, peer, freshNode).run();
        } catch (Suite.Unfinished unfinished) {
          // What was measured before the failing row, and the node's log to see why it failed.
          String partial = setting + "; STOPPED EARLY: " + unfinished.getMessage();
          report(out, () -> SuiteReport.json(partial, unfinished.measured),
              () -> SuiteReport.print(out, partial, unfinished.measured));
          cluster.keepLogs().ifPresent(logs -> progress.say("the cluster's logs stay in %s", logs));
          throw unfinished.getCause() instanceof RuntimeException cause ? cause : unfinished;
        }
        report(out, () -> SuiteReport.json(setting, figures), () -> SuiteReport.print(out, setting, figures));
      } else {
        Exercise.Sizes sizes = quick ? Exercise.Sizes.quick() : Exercise.Sizes.standard();
        List<BenchRow> rows = new Exercise(cluster, progress).run(sizes);
        String setting = "tandem bench" + (quick ? " --quick" : "") + ": " + where;
        if (!vsPython) {
          report(out, () -> ExerciseReport.json(setting, rows), () -> ExerciseReport.print(out, setting, rows));
          return ExitCodes.OK;
        }
        VsPython.Sizes more = VsPython.Sizes.of(quick);
        VsPython.TandemRates rates = VsPython.measureTandem(cluster, more, progress);
        PythonPeer python = null;
        if (withPython) {
          progress.say("python: the same exercise with multiprocessing, %d processes", cluster.workers());
          python = PythonPeer.run(sizes.cpu(), cluster.workers(), more.jobs(), more.mapElements());
        }
        PythonPeer peer = python;
        List<VsPython.Side> sides = peer == null ? List.of() : VsPython.sides(rows, rates, peer, cluster.workers(), more);
        report(out, () -> {
          var json = ExerciseReport.json(setting, rows);
          json.put("jobsOneByOnePerSecond", rates.jobsPerSecond()).put("inOrderPerSecond", rates.inOrderPerSecond());
          if (peer != null) {
            VsPython.json(json, peer, sides);
          }
          return json;
        }, () -> {
          ExerciseReport.print(out, setting, rows);
          out.printf("jobs one by one (job channel): %,.0f/s; a no-op map of %,d read in order: %,.0f elements/s%n",
              rates.jobsPerSecond(), more.mapElements(), rates.inOrderPerSecond());
          if (peer != null) {
            VsPython.print(out, peer, sides);
          } else {
            out.println("Python's half did not run: " + noPython.orElse("-"));
          }
          out.flush();
        });
      }
      return ExitCodes.OK;
    }
  }

  /** The report as one JSON object with --json, else as the table. */
  private void report(PrintWriter out, java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> asJson, Runnable asTable) {
    if (json) {
      out.println(Json.write(asJson.get()));
      out.flush();
    } else {
      asTable.run();
    }
  }

  private BenchCluster cluster(Progress progress, com.typesafe.config.Config config) {
    if (node != null) {
      return BenchCluster.attach(new TandemClient(ClusterTarget.url(node, "--node"), "given with --node"));
    }
    progress.say("starting a node with %d worker processes...", workers);
    return BenchCluster.start(workers, NodeJvm.options(config));
  }
}
