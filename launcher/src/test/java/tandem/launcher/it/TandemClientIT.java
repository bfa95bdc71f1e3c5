package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.Futures;
import tandem.launcher.client.JobFailedException;
import tandem.launcher.client.TandemClient;
import tandem.node.Json;

/** The Java client as a program uses it, against a real node with a worker. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TandemClientIT {
  private Dist dist;
  private TandemClient client;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1");
    client = new TandemClient(URI.create(node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1)));
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  @Test
  @DisplayName("call gives a job's result; a failed job fails the future with the job's reason")
  void callsJobs() {
    assertEquals(144, client.call("square", Json.object().put("x", 12)).join().asInt());
    CompletionException e = assertThrows(CompletionException.class,
        () -> client.call("read-file", Json.object().put("path", "missing.txt")).join());
    JobFailedException failed = assertInstanceOf(JobFailedException.class, e.getCause());
    assertEquals("failed", failed.job().path("state").asText());
  }

  @Test
  @DisplayName("asCompleted yields futures as they finish, not as they were submitted")
  void asCompletedYieldsInCompletionOrder() {
    List<CompletableFuture<JsonNode>> futures = new ArrayList<>();
    for (int ms : new int[] {900, 600, 300, 50}) {
      futures.add(client.call("sleep", Json.object().put("ms", ms)));
    }
    List<Integer> order = new ArrayList<>();
    for (CompletableFuture<JsonNode> done : Futures.asCompleted(futures)) {
      order.add(done.join().asInt());
    }
    assertEquals(List.of(50, 300, 600, 900), order);
  }

  @Test
  @DisplayName("runMap and cancel work through the client too")
  void mapsAndCancels() {
    JsonNode map = client.runMap("square", Json.object(),
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.read("{\"range\":{\"key\":\"x\",\"from\":1,\"to\":4},\"reduce\":\"sum\"}")).join();
    assertEquals(30, TandemClient.resultOf(map).asInt());
    String id = client.submit("sleep", Json.object().put("ms", 60_000)).join().path("id").asText();
    assertEquals("cancelled", client.owner(id).thenCompose(owner -> owner.cancel(id)).join().path("state").asText());
    assertTrue(TandemClient.isFinal(client.awaitJob(id).join()));
  }
}
