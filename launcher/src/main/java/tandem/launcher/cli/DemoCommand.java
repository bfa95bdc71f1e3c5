package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.process.NodeJvm;
import tandem.launcher.client.TandemClient;
import tandem.launcher.local.ClusterState;
import tandem.launcher.local.LocalCluster;
import tandem.launcher.local.NodeEntry;
import tandem.launcher.process.ConfigLoader;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"A tour: start a 2-node cluster with workers, run CPU and I/O jobs, show where each ran, shut down."})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--workers", defaultValue = "1", paramLabel = "N", description = "worker processes per node (default ${DEFAULT-VALUE})")
  int workers;

  /** One job of the tour: what to run and on which node. */
  private record Step(String job, ObjectNode params, int node) {}

  @Override
  public Integer call() throws IOException {
    if (workers < 1 || workers > 8) {
      throw CliException.usage("--workers takes a number from 1 to 8");
    }
    PrintWriter out = spec.commandLine().getOut();
    var config = ConfigLoader.load(Map.of(), null);
    Path dir = Files.createTempDirectory("tandem-demo");
    LocalCluster cluster = LocalCluster.in(dir);
    long start = System.nanoTime();
    try {
      out.printf("Starting 2 nodes with %d worker process(es) each...%n", workers);
      out.flush();
      ClusterState state = cluster.start(2, workers, List.of(),
          NodeJvm.options(config), Duration.ofSeconds(120));
      List<TandemClient> nodes = state.nodes().stream().map(n -> new TandemClient(URI.create(n.url()))).toList();
      MembersCommand.print(out, nodes.get(0).members().join());
      out.printf("Dashboard (live while the tour runs): %s/%n", state.nodes().get(0).url());
      return tour(out, state, nodes);
    } finally {
      LocalCluster.StopReport stopped = cluster.stop(Duration.ofSeconds(20));
      out.printf("%nStopped %d nodes and %d workers%s. The tour took %.1f s.%n", stopped.nodes(), stopped.workers(),
          stopped.clean() ? "; no process is left" : "; SOME DID NOT EXIT", (System.nanoTime() - start) / 1e9);
      out.flush();
    }
  }

  private int tour(PrintWriter out, ClusterState state, List<TandemClient> nodes) {
    String peerHealth = state.nodes().get(1).url() + "/health";
    List<Step> steps = List.of(
        new Step("primes", params("n", 1_000_000), 0),
        new Step("sleep", params("ms", 300), 0),
        new Step("square", params("x", 12), 0),
        new Step("sha256", params("text", "tandem").put("rounds", 200_000), 1),
        new Step("factorial", params("n", 20_000), 0),
        new Step("primes", params("from", 1_000_000).put("to", 1_500_000), 1),
        new Step("sleep", params("ms", 500), 0),
        new Step("sleep", params("ms", 500), 1),
        new Step("http-get", params("url", peerHealth), 0),
        new Step("sleep", params("ms", 500), 1));
    out.println();
    out.println("One CPU job, then one I/O job, then the other eight at once across both nodes:");
    out.flush();
    List<JsonNode> done = new ArrayList<>();
    done.add(run(nodes, steps.get(0)).join());
    done.add(run(nodes, steps.get(1)).join());
    List<CompletableFuture<JsonNode>> together = new ArrayList<>();
    for (Step step : steps.subList(2, steps.size())) {
      together.add(run(nodes, step));
    }
    together.forEach(f -> done.add(f.join()));
    Table table = new Table("JOB", "KIND", "OWNER", "RAN ON", "THREAD", "RUN", "RESULT");
    for (JsonNode job : done) {
      String owner = job.path("owner").asText();
      table.add(job.path("job").asText(), job.path("kind").asText(), "node :" + owner.substring(owner.lastIndexOf(':') + 1),
          JobText.where(job), job.path("ranOn").path("thread").asText("-"),
          JobText.ms(job.path("timings").path("runMs")), JobText.outcome(job, 48));
    }
    table.print(out);
    int verdict = verdict(out, state, done);
    boolean more = mapAndPipeline(out, state, nodes);
    return verdict == ExitCodes.OK && more ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** A map over many elements, and a pipeline whose I/O step feeds a CPU step. */
  private static boolean mapAndPipeline(PrintWriter out, ClusterState state, List<TandemClient> nodes) {
    out.printf("%nA map: square over x = 1..100000 in chunks across every worker, each chunk summed in its worker and the partials on the owner node:%n");
    out.flush();
    ObjectNode range = tandem.protocol.api.Json.object();
    range.putObject("range").put("key", "x").put("from", 1).put("to", 100_000);
    range.put("reduce", "sum");
    JsonNode map = nodes.get(0).runMap("square", tandem.protocol.api.Json.object(), range).join();
    out.printf("  %s = %s in %s (%d elements, %d per chunk)%n", "sum", JobText.result(map),
        JobText.ms(map.path("timings").path("totalMs")), map.path("map").path("total").asInt(), map.path("map").path("chunk").asInt());

    String url = state.nodes().get(1).url() + "/catalog";
    out.printf("%nA pipeline: http-get %s on a node's I/O threads, its body counted by wordcount in a worker:%n", url);
    out.flush();
    List<ObjectNode> steps = List.of(
        (ObjectNode) tandem.protocol.api.Json.object().put("job", "http-get").set("params", params("url", url)),
        (ObjectNode) tandem.protocol.api.Json.object().put("job", "wordcount").set("params", params("top", 3)));
    JsonNode pipeline = nodes.get(0).runPipeline(steps, null).join();
    boolean ok = JobText.succeeded(map) && JobText.succeeded(pipeline);
    for (JsonNode step : pipeline.path("pipeline").path("steps")) {
      out.printf("  %-10s %-4s %-10s ran on %s, thread %s, %s%n", step.path("job").asText(), step.path("kind").asText(),
          step.path("state").asText(), JobText.where(step), step.path("ranOn").path("thread").asText("-"),
          JobText.ms(step.path("timings").path("runMs")));
      ok &= "io".equals(step.path("kind").asText()) == "node".equals(step.path("ranOn").path("role").asText());
    }
    out.printf("  result: %s%n", JobText.outcome(pipeline, 100));
    out.flush();
    return ok;
  }

  /** The tour checks its own claim: CPU jobs in worker processes, I/O jobs on node threads. */
  private static int verdict(PrintWriter out, ClusterState state, List<JsonNode> done) {
    Set<Long> nodePids = new TreeSet<>();
    state.nodes().stream().map(NodeEntry::pid).forEach(nodePids::add);
    Set<Long> cpuPids = new TreeSet<>();
    boolean ok = true;
    for (JsonNode job : done) {
      long pid = job.path("ranOn").path("pid").asLong();
      boolean cpu = "cpu".equals(job.path("kind").asText());
      if (cpu) {
        cpuPids.add(pid);
      }
      ok &= JobText.succeeded(job) && (cpu ? !nodePids.contains(pid) : nodePids.contains(pid));
    }
    out.printf("%nNode pids %s; CPU jobs ran in worker pids %s; I/O jobs ran on the nodes' I/O threads.%n",
        nodePids, cpuPids);
    if (!ok) {
      out.println("Something did not run where it should or did not succeed: see the table above.");
    }
    out.flush();
    return ok ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  private static CompletableFuture<JsonNode> run(List<TandemClient> nodes, Step step) {
    return nodes.get(step.node()).run(step.job(), step.params());
  }

  private static ObjectNode params(String key, Object value) {
    ObjectNode p = tandem.protocol.api.Json.object();
    p.set(key, tandem.protocol.api.Json.MAPPER.valueToTree(value));
    return p;
  }
}
