package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What survives what (README): a node killed or stalled takes only itself and its workers out of
 * the cluster, whichever node it is, and the others serve on at once.
 */
class DowningIT {
  private static final Pattern NODE_LINE = Pattern.compile("node (\\d+): (http://\\S+)\\s+\\(cluster \\S+, pid (\\d+),");
  private Dist dist;
  private final List<Long> pids = new ArrayList<>();

  private record Node(String url, long pid) {
    /** The worker processes this node started (its children). */
    Set<Long> workerPids() {
      Set<Long> out = new HashSet<>();
      ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> out.add(d.pid())));
      return out;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    dist = new Dist();
  }

  @AfterEach
  void cleanUp() {
    dist.killAll(pids);
  }

  @Test
  @DisplayName("3 nodes: kill -9 the oldest, then the youngest; the survivors and their workers stay Up and serve at once")
  void threeNodesLoseTheOldestThenTheYoungest() throws Exception {
    List<Node> nodes = up(3);
    Node oldest = nodes.get(0), middle = nodes.get(1), youngest = nodes.get(2);

    kill(oldest, youngest, middle);
    awaitMembers(middle, 4);
    awaitMembers(youngest, 4);
    kill(youngest, middle);
    awaitMembers(middle, 2);
    // a map over what is left
    Http.Answer map = Http.post(middle.url() + "/jobs?wait=true", "application/json",
        "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":1,\"to\":200},\"reduce\":\"sum\"}");
    assertEquals(2686700, map.body().path("result").asLong(), map.toString());
  }

  @Test
  @DisplayName("2 nodes: kill -9 the oldest; the other and its worker stay Up and serve at once")
  void twoNodesLoseTheOldest() throws Exception {
    List<Node> nodes = up(2);
    kill(nodes.get(0), nodes.get(1));
    awaitMembers(nodes.get(1), 2);
  }

  @Test
  @DisplayName("2 nodes: SIGSTOP the oldest for 20 s; the other serves on, and the stalled one leaves with its workers when it wakes")
  void aStalledNodeIsRemovedAndLeavesWhenItWakes() throws Exception {
    List<Node> nodes = up(2);
    Node stalled = nodes.get(0), other = nodes.get(1);
    Set<Long> itsWorkers = stalled.workerPids();
    assertTrue(!itsWorkers.isEmpty(), "the node's worker is its child");
    signal("STOP", stalled.pid());
    long stoppedAt = System.nanoTime();
    try {
      // Serves all along: its own worker, and the stalled node's, which is not stalled itself.
      while (System.nanoTime() - stoppedAt < Duration.ofSeconds(20).toNanos()) {
        JsonNode job = Http.job(other.url(), "square", "{\"x\":7}");
        assertEquals(49, job.path("result").asInt(), job.toString());
        Thread.sleep(500);
      }
      // Removed while stalled: only the other node and the workers are members.
      assertTrue(members(other).stream().noneMatch(m -> m.path("pid").asLong() == stalled.pid()), "removed while stalled");
    } finally {
      signal("CONT", stalled.pid());
    }
    await(Duration.ofSeconds(30), () -> Dist.gone(stalled.pid()) && itsWorkers.stream().allMatch(Dist::gone),
        "the stalled node and its worker exit once it wakes");
    awaitMembers(other, 2);
    assertEquals(49, Http.job(other.url(), "square", "{\"x\":7}").path("result").asInt());
  }

  /** {@code tandem up} in a folder of its own; the nodes in the order they were started (oldest first). */
  private List<Node> up(int count) throws Exception {
    Path here = Files.createDirectories(dist.work().resolve("up-" + count + "-" + System.nanoTime()));
    Dist.Result up = dist.run(here, Map.of(), "up", "--nodes", String.valueOf(count), "--workers", "1");
    List<Node> nodes = new ArrayList<>();
    Matcher m = NODE_LINE.matcher(up.out());
    while (m.find()) {
      nodes.add(new Node(m.group(2), Long.parseLong(m.group(3))));
      pids.add(Long.parseLong(m.group(3)));
    }
    assertEquals(0, up.exit(), up.toString());
    assertEquals(count, nodes.size(), up.toString());
    for (Node node : nodes) {
      pids.addAll(node.workerPids());
      awaitMembers(node, 2 * count);
      Http.job(node.url(), "square", "{\"x\":2}"); // warm
    }
    return nodes;
  }

  /**
   * Kills {@code victim} outright, then checks every survivor serves a job at once, and the
   * victim's worker is gone within a second of it.
   */
  private void kill(Node victim, Node... survivors) throws Exception {
    Set<Long> itsWorkers = victim.workerPids();
    ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
    long killedAt = System.nanoTime();
    await(Duration.ofSeconds(10), () -> Dist.gone(victim.pid()), "the node dies");
    await(Duration.ofSeconds(2), () -> itsWorkers.stream().allMatch(Dist::gone), "its workers die with it");
    for (Node survivor : survivors) {
      JsonNode job = Http.job(survivor.url(), "square", "{\"x\":5}");
      assertEquals(25, job.path("result").asInt(), job.toString());
      System.out.printf("node %d killed: a job on a survivor took %d ms from the kill%n",
          victim.pid(), (System.nanoTime() - killedAt) / 1_000_000);
    }
  }

  /** Waits until the node sees exactly {@code count} members, all Up. */
  private void awaitMembers(Node node, int count) throws Exception {
    await(Duration.ofSeconds(60), () -> {
      List<JsonNode> members = members(node);
      return members.size() == count && members.stream().allMatch(m -> "Up".equals(m.path("status").asText()));
    }, node.url() + " sees " + count + " members, all Up");
  }

  private static List<JsonNode> members(Node node) {
    try {
      List<JsonNode> out = new ArrayList<>();
      Http.get(node.url() + "/members").body().forEach(out::add);
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor());
  }

  private static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
