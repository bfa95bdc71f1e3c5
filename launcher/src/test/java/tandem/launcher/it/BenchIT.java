package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.protocol.api.Json;

/** {@code tandem bench --quick}: the table's shape and sanity on a cluster it starts itself, not its timings. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BenchIT {
  private Dist dist;

  @BeforeAll
  void setUp() throws Exception {
    dist = new Dist();
  }

  @AfterAll
  void cleanUp() {
    dist.close();
  }

  @Test
  @DisplayName("bench --quick --vs-python --json measures both workloads in all three modes, each where it should run, then Python's side by side")
  void quick() throws Exception {
    long start = System.nanoTime();
    Dist.Result r = dist.run("bench", "--quick", "--vs-python", "--json");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(0, r.exit(), r.toString());
    JsonNode report = Json.read(r.out());
    Map<String, JsonNode> rows = new HashMap<>();
    report.path("rows").forEach(row -> rows.put(row.path("workload").asText() + "/" + row.path("mode").asText(), row));
    assertEquals(7, rows.size(), r.out());
    Map<String, String> expectedRole = Map.of(
        "cpu/serial", "node", "cpu/threads", "node", "cpu/processes", "worker",
        "io/serial", "node", "io/threads", "node", "io/blocking", "node", "io/processes", "worker");
    expectedRole.forEach((key, role) -> {
      JsonNode row = rows.get(key);
      assertEquals(role, row.path("ranOn").asText(), key + " ran on the wrong kind of process: " + row);
      assertTrue(row.path("wallSeconds").asDouble() > 0 && row.path("speedup").asDouble() > 0, key + ": " + row);
      assertTrue(row.path("peakThreads").asInt() > 0 && row.path("peakRssBytes").asLong() > 0, key + " was not watched: " + row);
      assertTrue(row.path("cpuSeconds").asDouble() >= 0, key + ": " + row);
      assertTrue(row.path("clusterCpuSeconds").asDouble() >= row.path("cpuSeconds").asDouble() - 0.05, key + ": the whole cluster used at least what its part did: " + row);
    });
    assertEquals(1.0, rows.get("cpu/serial").path("speedup").asDouble(), 1e-9);
    // Four 1 s waits one by one take 4 s at least; at once on the node, a little over 1 s.
    assertTrue(rows.get("io/serial").path("wallSeconds").asDouble() >= 4.0, rows.get("io/serial").toString());
    assertTrue(rows.get("io/threads").path("wallSeconds").asDouble() < 2.5, rows.get("io/threads").toString());
    // Blocking sleeps wait at once too, each on a thread of its own: virtual ones from JDK 21 on.
    JsonNode blocking = rows.get("io/blocking");
    assertTrue(blocking.path("wallSeconds").asDouble() < 2.5, blocking.toString());
    int jdk = Integer.parseInt(report.path("setting").asText().replaceFirst(".*Java (\\d+).*", "$1"));
    assertTrue(blocking.path("where").asText().contains(jdk >= 21 ? "a virtual thread each" : "platform threads"), r.out());
    // Processes hold more threads than the node alone: each worker is a JVM of its own.
    assertTrue(rows.get("cpu/processes").path("peakThreads").asInt() > rows.get("cpu/threads").path("peakThreads").asInt(), r.out());
    assertTrue(report.path("meaning").asText().contains("no GIL"), r.out());
    assertTrue(r.err().contains("bench: starting a node"), r.toString());
    assertTrue(report.path("jobsOneByOnePerSecond").asDouble() > 0 && report.path("inOrderPerSecond").asDouble() > 0, r.out());
    if (r.err().contains("python3 is not on the PATH")) {
      assertTrue(report.path("vsPython").isMissingNode(), r.out()); // Tandem's half ran alone, as it says
    } else {
      JsonNode figures = report.path("vsPython").path("figures");
      assertEquals(6, figures.size(), r.out());
      figures.forEach(f -> assertTrue(f.path("tandem").asDouble() > 0 && f.path("python").asDouble() > 0
          && f.path("tandemAheadBy").asDouble() > 0, f.toString()));
      assertTrue(r.err().contains("vs-python: cpu: primes below 3,200,000 serially"), r.err());
    }
    System.out.printf("bench --quick took %.1f s%n", seconds);
  }

  @Test
  @DisplayName("bench refuses bad options with exit 2 and says what to do")
  void badOptions() throws Exception {
    for (List<String> args : List.of(List.of("bench", "--workers", "0"), List.of("bench", "--node", "nowhere"),
        List.of("bench", "--node", "http://127.0.0.1:1", "--workers", "2"))) {
      Dist.Result r = dist.run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), args + ": " + r);
      assertTrue(r.err().startsWith("tandem: "), r.toString());
    }
  }
}
