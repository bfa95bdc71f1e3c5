package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.protocol.api.Json;

/** {@code tandem up}, the CLI against the cluster it started, {@code tandem down}, and the demo. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalClusterIT {
  private Dist dist;
  private final List<Long> upPids = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    dist = new Dist();
  }

  @AfterAll
  void cleanUp() {
    dist.killAll(upPids);
  }

  @Test
  @DisplayName("up starts a local cluster of 3 nodes, the CLI finds it from the same folder, the oldest and the youngest killed take only themselves and their workers, down stops exactly the rest")
  void upSubmitDown() throws Exception {
    Path here = Files.createDirectories(dist.work().resolve("project"));
    // 3 nodes and 3 workers: 5 and 5 (ten JVMs starting at once on 2 busy cores) starved each
    // other for a minute, and a starved node may rightly be removed.
    Dist.Result up = dist.run(here, Map.of(), "up", "--nodes", "3", "--workers", "1");
    rememberPids(here);
    assertEquals(0, up.exit(), up.toString());
    assertTrue(up.out().contains("cluster up: 3 node(s), 3 worker(s)"), up.toString());

    // Workers take work before they are Up; give the last ones a moment to be.
    JsonNode members = Json.read(dist.run(here, Map.of(), "members", "--json").out());
    for (int i = 0; i < 100 && !allUp(members, 6); i++) {
      Thread.sleep(200);
      members = Json.read(dist.run(here, Map.of(), "members", "--json").out());
    }
    assertTrue(allUp(members, 6), members.toString());
    for (JsonNode m : members) {
      upPids.add(m.path("pid").asLong());
    }
    // The build recorded a class archive for nodes and one for workers; every process maps its own
    // (-Xshare:auto would skip one that no longer fits without a word, hence a look at the mappings).
    JsonNode state = Json.MAPPER.readTree(here.resolve(".tandem/cluster.json").toFile());
    for (JsonNode node : state.path("nodes")) {
      ProcessHandle handle = ProcessHandle.of(node.path("pid").asLong()).orElseThrow();
      assertMapsArchive(handle, "node");
      assertEquals(1, handle.children().count(), "the node's worker");
      handle.children().forEach(worker -> assertMapsArchive(worker, "worker"));
    }

    // And one for the CLI, which bin/tandem finds by the JVM's release file.
    Path loaded = here.resolve("cli-classes.txt");
    Dist.Result listed = dist.run(here, Map.of("TANDEM_JAVA_OPTS", "-Xlog:class+load:file=" + loaded), "jobs");
    assertEquals(0, listed.exit(), listed.toString());
    assertTrue(Files.readString(loaded).contains("tandem.launcher.cli.JobsCommand source: shared objects file (top)"),
        "the CLI maps no class archive of its own");

    Dist.Result primes = dist.run(here, Map.of(), "submit", "primes", "n=1000000");
    assertEquals(0, primes.exit(), primes.toString());
    assertEquals("78498", primes.out().trim());
    Dist.Result sleep = dist.run(here, Map.of(), "submit", "sleep", "ms=300");
    assertTrue(sleep.err().contains("on node pid"), sleep.toString());
    Dist.Result again = dist.run(here, Map.of(), "up");
    assertEquals(2, again.exit(), "a second up in the same folder is refused: " + again);

    // One failure stays one failure (README, What survives what): the oldest node, then the
    // youngest, killed outright; the others serve at once and end Up with their workers.
    List<UpCluster.Node> nodes = new ArrayList<>();
    Json.MAPPER.readTree(here.resolve(".tandem/cluster.json").toFile()).path("nodes")
        .forEach(n -> nodes.add(new UpCluster.Node(n.path("url").asText(), n.path("pid").asLong())));
    UpCluster.killAndServe(nodes.get(0), nodes.get(1), nodes.get(2));
    Dist.Result withoutTheFirst = dist.run(here, Map.of(), "submit", "square", "x=3");
    assertEquals(0, withoutTheFirst.exit(), "the CLI goes to a node still running: " + withoutTheFirst);
    assertEquals("9", withoutTheFirst.out().trim(), withoutTheFirst.toString());
    UpCluster.killAndServe(nodes.get(2), nodes.get(1));
    UpCluster.awaitMembers(nodes.get(1), 2);
    Http.Answer map = Http.post(nodes.get(1).url() + "/jobs?wait=true", "application/json",
        "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":1,\"to\":200},\"reduce\":\"sum\"}");
    assertEquals(2686700, map.body().path("result").asLong(), "a map over what is left: " + map);

    Dist.Result down = dist.run(here, Map.of(), "down");
    assertEquals(0, down.exit(), down.toString());
    assertTrue(down.out().contains("stopped 1 node(s) and 1 worker(s)"), down.toString());
    for (long pid : upPids) {
      assertTrue(Dist.gone(pid), "pid " + pid + " survived tandem down");
    }
    try (var left = Files.list(here.resolve(".tandem"))) {
      assertEquals(List.of("journal.db"), left.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("journal.db-"))
          .toList(), "down removes its state but keeps the job journal");
    }
    assertEquals(0, dist.run(here, Map.of(), "down").exit(), "down with nothing up is harmless");
  }

  private static boolean allUp(JsonNode members, int count) {
    int up = 0;
    for (JsonNode m : members) {
      up += "Up".equals(m.path("status").asText()) ? 1 : 0;
    }
    return members.size() == count && up == count;
  }

  @Test
  @DisplayName("without a cluster the CLI says where it looked and exits 3")
  void noCluster() throws Exception {
    Dist.Result r = dist.run(dist.work(), Map.of("TANDEM_URL", "http://127.0.0.1:1"), "jobs");
    assertEquals(3, r.exit(), r.toString());
    assertTrue(r.err().contains("from TANDEM_URL"), r.toString());
  }

  @Test
  @DisplayName("demo runs its tour on a real 2-node cluster, shows CPU jobs in workers, and leaves nothing running")
  void demo() throws Exception {
    long start = System.nanoTime();
    Dist.Result demo = dist.run("demo");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(0, demo.exit(), demo.toString());
    assertTrue(demo.out().contains("CPU jobs ran in worker pids"), demo.toString());
    assertTrue(demo.out().contains("no process is left"), demo.toString());
    assertTrue(demo.out().contains("sum = 333338333350000"), "the demo's map: " + demo);
    assertTrue(demo.out().contains("wordcount  cpu  succeeded  ran on worker"), "the demo's pipeline: " + demo);
    System.out.printf("demo took %.1f s%n", seconds);
  }

  private static void assertMapsArchive(ProcessHandle process, String kind) {
    try {
      String maps = Files.readString(Path.of("/proc/" + process.pid() + "/maps"));
      assertTrue(maps.contains("/lib/cds/" + kind + "-"), kind + " pid " + process.pid() + " maps no " + kind + " class archive");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void rememberPids(Path here) {
    try {
      JsonNode state = Json.MAPPER.readTree(here.resolve(".tandem/cluster.json").toFile());
      state.path("nodes").forEach(n -> upPids.add(n.path("pid").asLong()));
    } catch (Exception e) {
      // nothing was started
    }
  }
}
