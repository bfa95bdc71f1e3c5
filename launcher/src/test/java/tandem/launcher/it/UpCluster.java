package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A cluster {@code tandem up} started for a test, its nodes oldest first, and waits on what they see. */
final class UpCluster {
  private static final Pattern NODE_LINE = Pattern.compile("node (\\d+): (http://\\S+)\\s+\\(cluster \\S+, pid (\\d+),");

  private UpCluster() {}

  /** A node {@code tandem up} started. */
  record Node(String url, long pid) {
    /** The worker processes this node started (its children). */
    Set<Long> workerPids() {
      Set<Long> out = new HashSet<>();
      ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> out.add(d.pid())));
      return out;
    }
  }

  /**
   * {@code tandem up --nodes count --workers 1} in a folder of its own; every pid it started goes
   * into {@code pids} (for the test to kill afterwards); returns once every node sees every member
   * Up and has run a job.
   */
  static List<Node> up(Dist dist, int count, List<Long> pids) throws Exception {
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

  /** Waits until the node sees exactly {@code count} members, all Up. */
  static void awaitMembers(Node node, int count) throws InterruptedException {
    await(Duration.ofSeconds(60), () -> {
      List<JsonNode> members = members(node);
      return members.size() == count && members.stream().allMatch(m -> "Up".equals(m.path("status").asText()));
    }, node.url() + " sees " + count + " members, all Up");
  }

  static List<JsonNode> members(Node node) {
    try {
      List<JsonNode> out = new ArrayList<>();
      Http.get(node.url() + "/members").body().forEach(out::add);
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  /** Kills the node outright and waits until it and its workers are gone. */
  static long killOutright(Node victim) throws InterruptedException {
    Set<Long> itsWorkers = victim.workerPids();
    ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
    long killedAt = System.nanoTime();
    await(Duration.ofSeconds(10), () -> Dist.gone(victim.pid()), "the node dies");
    await(Duration.ofSeconds(2), () -> itsWorkers.stream().allMatch(Dist::gone), "its workers die with it");
    return killedAt;
  }

  /**
   * Kills {@code victim} outright (its workers must die with it), then checks every survivor
   * serves a job at once, printing how long after the kill each was done.
   */
  static void killAndServe(Node victim, Node... survivors) throws Exception {
    long killedAt = killOutright(victim);
    for (Node survivor : survivors) {
      JsonNode job = Http.job(survivor.url(), "square", "{\"x\":5}");
      assertEquals(25, job.path("result").asInt(), job.toString());
      System.out.printf("node pid %d killed: a job on a survivor was done %d ms after the kill%n",
          victim.pid(), (System.nanoTime() - killedAt) / 1_000_000);
    }
  }

  static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      Thread.sleep(100);
    }
  }
}
