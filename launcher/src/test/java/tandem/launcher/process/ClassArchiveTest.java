package tandem.launcher.process;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchiveTest {
  @Test
  @DisplayName("archives fit the folder they were recorded in, not a copy elsewhere; unmarked ones are taken to fit")
  void archivesFitWhereTheyWereRecorded(@TempDir Path dir) throws Exception {
    Path built = dir.resolve("built");
    Files.createDirectories(built.resolve("lib/cds"));
    assertTrue(ClassArchive.fits(built), "nothing says where: as before this file existed");
    ClassArchive.recordedFor(built);
    assertTrue(ClassArchive.fits(built));

    Path copy = dir.resolve("copy");
    Files.createDirectories(copy.resolve("lib/cds"));
    Files.copy(built.resolve("lib/cds").resolve(ClassArchive.RECORDED_FOR), copy.resolve("lib/cds").resolve(ClassArchive.RECORDED_FOR));
    assertFalse(ClassArchive.fits(copy), "a copy elsewhere: its JVMs would drop the archives");
    ClassArchive.recordedFor(copy); // what cds-train does there
    assertTrue(ClassArchive.fits(copy));
  }
}
