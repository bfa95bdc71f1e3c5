package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.protocol.api.Json;

/** The example job project, deployed as a user would: a jar in a jobs folder given with --jobs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserJobsIT {
  private Dist dist;
  private Dist.Background node;
  private String url;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    Path jobs = Files.createDirectories(dist.work().resolve("jobs"));
    Path example = Path.of(System.getProperty("tandem.example.jar"));
    Files.copy(example, jobs.resolve(example.getFileName()));
    Files.write(jobs.resolve("broken.jar"), new byte[] {1, 2, 3, 4});
    node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1", "--jobs", jobs.toString());
    url = node.await(Pattern.compile("http (http://\\S+),"), Duration.ofSeconds(60)).group(1);
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  @Test
  @DisplayName("a job from a jar in the jobs folder is in the catalog and runs in a worker; a broken jar is skipped with a reason")
  void userJobsRun() throws Exception {
    Dist.Result catalog = dist.run("catalog", "--node", url);
    assertTrue(catalog.out().contains("collatz") && catalog.out().contains("an example user job"), catalog.toString());
    Dist.Result run = dist.run("submit", "collatz", "n=27", "--json", "--node", url);
    assertEquals(0, run.exit(), run.toString());
    JsonNode job = Json.read(run.out());
    assertEquals(111, job.path("result").path("steps").asInt());
    assertEquals(9232, job.path("result").path("peak").asInt());
    assertEquals("worker", job.path("ranOn").path("role").asText(), "the worker loaded the jar too");
    Dist.Result map = dist.run("map", "collatz", "--range", "n=1..1000", "--reduce", "count", "--node", url);
    assertEquals("1000", map.out().trim(), map.toString());
    String log = Files.readString(node.log());
    assertTrue(log.contains("broken.jar: not a readable jar"), log);
  }
}
