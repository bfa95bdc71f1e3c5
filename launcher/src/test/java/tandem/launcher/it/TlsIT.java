package tandem.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

/** Artery over TLS with mutual authentication, from 'tandem certs init': members of the cluster's CA join; others cannot. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
  private Dist dist;
  private Path ours;
  private Path theirs;
  private TandemClient client;
  private String seed;

  @BeforeAll
  void start() throws Exception {
    dist = new Dist();
    ours = dist.work().resolve("certs");
    theirs = dist.work().resolve("other-certs");
    Dist.Result made = dist.run("certs", "init", ours.toString(), "--members", "host-a");
    assertEquals(0, made.exit(), made.toString());
    assertTrue(made.out().contains("--config " + ours.resolve("host-a.conf")), made.toString());
    assertEquals(0, dist.run("certs", "init", theirs.toString()).exit());
    Dist.Background node = dist.start("node", "node", "--port", "0", "--http-port", "0", "--workers", "1",
        "--config", ours.resolve("host-a.conf").toString());
    var ready = node.await(Pattern.compile("cluster pekko://tandem@(\\S+), http (http://\\S+),"), Duration.ofSeconds(60));
    seed = ready.group(1);
    client = new TandemClient(URI.create(ready.group(2)));
    node.await(Pattern.compile("takes up to"), Duration.ofSeconds(60));
  }

  @AfterAll
  void stop() {
    dist.close();
  }

  @Test
  @DisplayName("a node and its worker talk over TLS; a worker with another authority's certificate, or none, cannot join")
  void onlyTheClustersMembersJoin() throws Exception {
    assertEquals(49, client.call("square", Json.object().put("x", 7)).join().asInt(), "the node's own TLS worker runs jobs");
    Dist.Background stranger = dist.start("stranger", "worker", "--seed", seed, "--config", theirs.resolve("member.conf").toString());
    Dist.Background plain = dist.start("plain", "worker", "--seed", seed);
    stranger.await(Pattern.compile("SSLHandshakeException|certificate|PKIX"), Duration.ofSeconds(30));
    Thread.sleep(2_000);
    assertEquals(1, client.health().join().path("workers").asInt(), "neither stranger became a worker of this cluster");
    assertEquals(2, client.members().join().size(), "node and its own worker only: " + client.members().join());
    assertTrue(stranger.process().isAlive() || plain.process().isAlive(), "they are refused, not crashed");
  }

  @Test
  @DisplayName("certs init keeps the authority's key and the config (which holds the password) to their owner, and never overwrites an authority")
  void certsInitIsCareful() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours.resolve("ca.p12"))));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours.resolve("host-a.conf"))));
    Dist.Result again = dist.run("certs", "init", ours.toString());
    assertEquals(2, again.exit(), again.toString());
    assertTrue(again.err().contains("holds a cluster authority already"), again.toString());
    Dist.Result badName = dist.run("certs", "init", dist.work().resolve("x").toString(), "--members", "a b");
    assertEquals(2, badName.exit(), badName.toString());
  }
}
