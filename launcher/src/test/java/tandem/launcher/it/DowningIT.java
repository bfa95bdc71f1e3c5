package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.launcher.it.UpCluster.Node;

/**
 * What survives what (README): a node killed takes only itself and its workers out of the
 * cluster, whichever node it is, and the others serve on at once. The 2-node and stalled-node
 * cases, and the figures, are in {@link DowningChaosIT} ({@code -Pchaos}): each starts a cluster
 * of its own, which costs {@code mvn verify} half a minute.
 */
class DowningIT {
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
  @DisplayName("3 nodes: kill -9 the oldest, then the youngest; the survivors and their workers stay Up and serve at once")
  void threeNodesLoseTheOldestThenTheYoungest() throws Exception {
    List<Node> nodes = UpCluster.up(dist, 3, pids);
    Node oldest = nodes.get(0), middle = nodes.get(1), youngest = nodes.get(2);

    kill(oldest, youngest, middle);
    UpCluster.awaitMembers(middle, 4);
    UpCluster.awaitMembers(youngest, 4);
    kill(youngest, middle);
    UpCluster.awaitMembers(middle, 2);
    // a map over what is left
    Http.Answer map = Http.post(middle.url() + "/jobs?wait=true", "application/json",
        "{\"job\":\"square\",\"range\":{\"key\":\"x\",\"from\":1,\"to\":200},\"reduce\":\"sum\"}");
    assertEquals(2686700, map.body().path("result").asLong(), map.toString());
  }

  /**
   * Kills {@code victim} outright, then checks every survivor serves a job at once, and the
   * victim's worker is gone within a second of it.
   */
  static void kill(Node victim, Node... survivors) throws Exception {
    long killedAt = UpCluster.killOutright(victim);
    for (Node survivor : survivors) {
      JsonNode job = Http.job(survivor.url(), "square", "{\"x\":5}");
      assertEquals(25, job.path("result").asInt(), job.toString());
      System.out.printf("node %d killed: a job on a survivor took %d ms from the kill%n",
          victim.pid(), (System.nanoTime() - killedAt) / 1_000_000);
    }
  }

}
