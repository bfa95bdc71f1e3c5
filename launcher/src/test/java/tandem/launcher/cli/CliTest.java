package tandem.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  private record Run(int exit, String out, String err) {}

  private static Run tandem(String... args) {
    CommandLine cli = Tandem.commandLine(args); // as bin/tandem builds it: only the named command
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  @DisplayName("key=value parameters: JSON numbers and booleans as such, everything else as text")
  void parsesParameters() {
    var p = Params.parse(List.of("n=1000000", "ratio=0.5", "full=true", "text=hello world", "code=012", "empty="));
    assertTrue(p.get("n").isIntegralNumber());
    assertTrue(p.get("ratio").isDouble());
    assertTrue(p.get("full").isBoolean());
    assertEquals("hello world", p.get("text").asText());
    assertEquals("012", p.get("code").asText());
    assertEquals("", p.get("empty").asText());
    assertThrows(CliException.class, () -> Params.parse(List.of("n")));
    assertThrows(CliException.class, () -> Params.parse(List.of("=1")));
    assertThrows(CliException.class, () -> Params.parse(List.of("n=1", "n=2")));
  }

  @Test
  @DisplayName("key=@path sends the file's bytes as {\"base64\": ...}; @@ is a literal @; a file that cannot be read is a usage mistake")
  void parsesFileParameters(@TempDir Path dir) throws Exception {
    Path blob = Files.write(dir.resolve("blob.bin"), new byte[] {0, -1, 2});
    var p = Params.parse(List.of("input=@" + blob, "at=@@home"));
    assertEquals("{\"base64\":\"AP8C\"}", p.get("input").toString());
    assertEquals("@home", p.get("at").asText());
    CliException e = assertThrows(CliException.class, () -> Params.parse(List.of("input=@" + dir.resolve("missing.bin"))));
    assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    Run noWait = tandem("submit", "noop", "--no-wait", "--output", dir.resolve("x").toString(), "--node", "http://127.0.0.1:1");
    assertEquals(2, noWait.exit(), noWait.toString());
    assertTrue(noWait.err().contains("does not go with --no-wait"), noWait.err());
  }

  @Test
  @DisplayName("usage mistakes exit 2 with one line that says what to do")
  void usageMistakes() {
    Run unknown = tandem("frobnicate");
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("see 'tandem --help'"), unknown.err());
    Run misspelt = tandem("sbumit", "square", "x=1");
    assertEquals(2, misspelt.exit());
    assertTrue(misspelt.err().contains("did you mean: submit?"), misspelt.err());
    Run help = tandem("--help");
    assertEquals(0, help.exit());
    for (String command : List.of("demo", "up", "submit", "map", "pipeline", "bench", "worker")) {
      assertTrue(help.out().contains("\n  " + command + " "), "help lists " + command + ": " + help.out());
    }
    assertEquals(2, tandem("submit").exit());
    assertEquals(2, tandem("submit", "square", "x").exit());
    Run badUrl = tandem("jobs", "--node", "not a url");
    assertEquals(2, badUrl.exit());
    assertTrue(badUrl.err().contains("--node must be a node's URL"), badUrl.err());
    assertEquals(2, tandem("node", "--seed", "nohost").exit());
    assertEquals(2, tandem("up", "--nodes", "0").exit());
    assertEquals(2, tandem("node", "--config", "/no/such/file.conf").exit());
  }

  @Test
  @DisplayName("no node at the address: exit 3, naming the address and where it came from")
  void unreachable() {
    Run r = tandem("members", "--node", "http://127.0.0.1:1");
    assertEquals(3, r.exit());
    assertTrue(r.err().contains("http://127.0.0.1:1 (given with --node)"), r.err());
  }

  @Test
  @DisplayName("every command has --help")
  void help() {
    for (String command : List.of("demo", "up", "down", "members", "submit", "map", "status", "cancel", "jobs", "catalog", "node", "worker")) {
      Run r = tandem(command, "--help");
      assertEquals(0, r.exit(), command);
      assertTrue(r.out().contains("Usage: tandem " + command), r.out());
    }
  }
}
