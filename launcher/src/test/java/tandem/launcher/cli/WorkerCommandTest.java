package tandem.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WorkerCommandTest {

  @Test
  @DisplayName("a worker's plain arguments, as a node passes them, are read without picocli")
  void plainArgumentsSkipPicocli() {
    WorkerCommand worker = WorkerCommand.plainlyGiven(new String[] {"worker", "--seed", "127.0.0.1:2551", "--seed", "127.0.0.1:2552",
        "--host", "10.0.0.5", "--port", "2600", "--config", "my.conf", "--jobs", "jobs", "--parent-watch"}).orElseThrow();
    assertEquals(List.of("127.0.0.1:2551", "127.0.0.1:2552"), worker.seeds);
    assertEquals("10.0.0.5", worker.host);
    assertEquals(2600, worker.port);
    assertEquals(Path.of("my.conf"), worker.process.config);
    assertEquals(Path.of("jobs"), worker.process.jobs);
    assertTrue(worker.parentWatch);
  }

  @Test
  @DisplayName("anything else (help, --name=value, an unknown option, a missing value or seed) is left to picocli, which explains it")
  void anythingElseGoesToPicocli() {
    for (String[] args : new String[][] {
        {"worker", "--help"}, {"worker", "--seed=127.0.0.1:2551"}, {"worker", "--seed", "127.0.0.1:2551", "--colour", "red"},
        {"worker", "--seed", "127.0.0.1:2551", "--port"}, {"worker", "--seed", "127.0.0.1:2551", "--port", "-1"},
        {"worker", "--seed", "127.0.0.1:2551", "--port", "abc"}, {"worker", "--host", "127.0.0.1"}, {"node", "--seed", "x"}}) {
      assertTrue(WorkerCommand.plainlyGiven(args).isEmpty(), String.join(" ", args));
    }
  }
}
