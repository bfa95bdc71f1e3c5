package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.launcher.client.TandemClient;
import tandem.launcher.it.UpCluster.Node;
import tandem.protocol.api.Json;

/**
 * Nodes killed and stalled, only with {@code mvn verify -Pchaos} (each case starts clusters of its
 * own): 2 nodes losing the oldest, a node stalled by SIGSTOP for 20 s, and the figures of a node's
 * death over five fresh 3-node clusters: a job timed on a survivor from the kill of the oldest,
 * then the youngest killed while the middle one has jobs in flight, which are counted.
 */
class DowningChaosIT {
  private static final int ROUNDS = 5;
  private static final int IN_FLIGHT = 60;
  private Dist dist;
  private final List<Long> pids = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    dist = new Dist();
  }

  @AfterEach
  void cleanUp() {
    dist.killAll(pids);
  }

  @Test
  @DisplayName("2 nodes: kill -9 the oldest; the other and its worker stay Up and serve at once")
  void twoNodesLoseTheOldest() throws Exception {
    List<Node> nodes = UpCluster.up(dist, 2, pids);
    UpCluster.killAndServe(nodes.get(0), nodes.get(1));
    UpCluster.awaitMembers(nodes.get(1), 2);
  }

  @Test
  @DisplayName("2 nodes: SIGSTOP the oldest for 20 s; the other serves on, and the stalled one either comes back or leaves with its workers")
  void aStalledNodeIsRemovedAndLeavesWhenItWakes() throws Exception {
    List<Node> nodes = UpCluster.up(dist, 2, pids);
    Node stalled = nodes.get(0), other = nodes.get(1);
    Set<Long> itsWorkers = stalled.workerPids();
    assertTrue(!itsWorkers.isEmpty(), "the node's worker is its child");
    signal("STOP", stalled.pid());
    long stoppedAt = System.nanoTime();
    boolean removed = false;
    try {
      // Serves all along: its own worker, and the stalled node's, which is not stalled itself.
      while (System.nanoTime() - stoppedAt < Duration.ofSeconds(20).toNanos()) {
        JsonNode job = Http.job(other.url(), "square", "{\"x\":7}");
        assertEquals(49, job.path("result").asInt(), job.toString());
        removed = UpCluster.members(other).stream().noneMatch(m -> m.path("pid").asLong() == stalled.pid());
        Thread.sleep(500);
      }
    } finally {
      signal("CONT", stalled.pid());
    }
    // Either way the end is clean: it came back with every member Up, or it and its worker are gone
    // (removed while stalled, or just after, as it woke) and the other sees only itself and its own.
    UpCluster.await(Duration.ofSeconds(45), () -> {
      List<JsonNode> members = UpCluster.members(other);
      boolean allUp = members.stream().allMatch(m -> "Up".equals(m.path("status").asText()));
      boolean cameBack = allUp && members.size() == 4;
      boolean left = allUp && members.size() == 2 && Dist.gone(stalled.pid()) && itsWorkers.stream().allMatch(Dist::gone);
      return cameBack || left;
    }, "the stalled node came back or left with its worker");
    System.out.printf("a node stalled for 20 s %s%n", Dist.gone(stalled.pid())
        ? "was removed " + (removed ? "while stalled" : "as it woke") + " and left with its worker" : "came back");
    assertEquals(49, Http.job(other.url(), "square", "{\"x\":7}").path("result").asInt());
  }

  private static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor());
  }

  @Test
  @DisplayName("3 nodes, 5 times: kill -9 the oldest and time a survivor's next job; kill -9 the youngest with 60 jobs in flight on the middle one, and every one succeeds")
  void aNodeKilledFiveTimes() throws Exception {
    List<Long> firstJobMs = new ArrayList<>();
    int succeeded = 0;
    int retried = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Node> nodes = UpCluster.up(dist, 3, pids);
      Node oldest = nodes.get(0), middle = nodes.get(1), youngest = nodes.get(2);

      long killedAt = UpCluster.killOutright(oldest);
      JsonNode first = Http.job(middle.url(), "square", "{\"x\":5}");
      firstJobMs.add((System.nanoTime() - killedAt) / 1_000_000);
      assertEquals(25, first.path("result").asInt(), first.toString());
      UpCluster.awaitMembers(middle, 4);

      TandemClient client = new TandemClient(URI.create(middle.url()));
      List<CompletableFuture<JsonNode>> accepted = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        accepted.add(client.submit("spin", Json.object().put("ms", 300)));
      }
      String firstId = accepted.get(0).join().path("id").asText();
      UpCluster.await(Duration.ofSeconds(30),
          () -> !"queued".equals(client.job(firstId).join().path("state").asText()), "the jobs run");
      UpCluster.killOutright(youngest);
      for (CompletableFuture<JsonNode> job : accepted) {
        JsonNode done = client.awaitJob(job.join().path("id").asText()).get(2, TimeUnit.MINUTES);
        succeeded += "succeeded".equals(done.path("state").asText()) ? 1 : 0;
        retried += done.path("attempts").asInt() > 1 ? 1 : 0;
      }
      dist.killAll(pids);
      pids.clear();
    }
    List<Long> sorted = firstJobMs.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "%ndowning: kill -9 of the oldest of 3 nodes to a survivor's first job done, %d rounds: "
            + "median %d ms, %s%n  the youngest killed with %d spin ms=300 jobs in flight on the middle node: "
            + "%d of %d succeeded, %d of them retried on another worker%n",
        ROUNDS, sorted.get(ROUNDS / 2), firstJobMs, IN_FLIGHT, succeeded, ROUNDS * IN_FLIGHT, retried);
    assertEquals(ROUNDS * IN_FLIGHT, succeeded, "every job in flight on a survivor succeeded");
  }
}
