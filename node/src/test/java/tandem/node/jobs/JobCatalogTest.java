package tandem.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCatalogTest {
  @Test
  @DisplayName("a jobs folder's broken, empty or missing jars are reported one line each, and the built-ins still load")
  void reportsAndSkips(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("garbage.jar"), new byte[] {9, 9, 9});
    try (JarOutputStream empty = new JarOutputStream(Files.newOutputStream(dir.resolve("empty.jar")))) {
      empty.flush();
    }
    Files.writeString(dir.resolve("notes.txt"), "not a jar, not looked at");
    List<String> problems = new ArrayList<>();
    JobCatalog catalog = JobCatalog.load(dir, problems::add);
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("empty.jar: lists no job"), problems.get(0));
    assertTrue(problems.get(1).startsWith("garbage.jar: not a readable jar"), problems.get(1));
    assertTrue(catalog.find("primes").isPresent());

    problems.clear();
    JobCatalog.load(dir.resolve("nowhere"), problems::add);
    assertEquals(List.of("jobs folder " + dir.resolve("nowhere") + " does not exist; no user jobs loaded"), problems);
  }
}
