package tandem.launcher.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.launcher.cli.CliException;

class ClusterSecretTest {
  @TempDir Path dir;

  private static Config withSecretFile(Path file) {
    return ConfigFactory.parseMap(Map.of("tandem.cluster.secret-file", file == null ? "" : file.toString()))
        .withFallback(ConfigFactory.load());
  }

  @Test
  void aCreatedSecretIsItsOwnersAndGivesFourPrintableBytesThatAreNotPekkosOwn() throws Exception {
    Path file = dir.resolve(ClusterSecret.FILE_NAME);
    ClusterSecret.create(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    List<String> magic = ClusterSecret.apply(withSecretFile(file)).getStringList("pekko.remote.artery.advanced.tcp-magic");
    assertEquals(1, magic.size());
    byte[] bytes = magic.get(0).getBytes(StandardCharsets.UTF_8);
    assertEquals(4, bytes.length, magic.get(0));
    for (byte b : bytes) {
      assertTrue(b >= '!' && b <= '~', magic.get(0));
    }
    assertTrue(!magic.get(0).equals("AKKA") && !magic.get(0).equals("PEKK"));
  }

  @Test
  void theSameSecretGivesTheSameBytesAndAnotherOtherBytes() {
    assertEquals(ClusterSecret.magic("0123456789abcdef-one"), ClusterSecret.magic("0123456789abcdef-one"));
    assertNotEquals(ClusterSecret.magic("0123456789abcdef-one"), ClusterSecret.magic("0123456789abcdef-two"));
  }

  @Test
  void noSecretFileLeavesPekkosDefaults() {
    Config config = ClusterSecret.apply(withSecretFile(null));
    assertEquals(List.of("AKKA", "PEKK"), config.getStringList("pekko.remote.artery.advanced.tcp-magic"));
  }

  @Test
  void aSecretOthersCanReadOrTooShortOrMissingIsRefusedWithWhatToDo() throws Exception {
    Path open = dir.resolve("open");
    Files.writeString(open, "0123456789abcdef0123");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
    CliException e = assertThrows(CliException.class, () -> ClusterSecret.apply(withSecretFile(open)));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());

    Path shortOne = dir.resolve("short");
    Files.writeString(shortOne, "abc");
    Files.setPosixFilePermissions(shortOne, PosixFilePermissions.fromString("rw-------"));
    e = assertThrows(CliException.class, () -> ClusterSecret.apply(withSecretFile(shortOne)));
    assertTrue(e.getMessage().contains("16 or more"), e.getMessage());

    e = assertThrows(CliException.class, () -> ClusterSecret.apply(withSecretFile(dir.resolve("none"))));
    assertTrue(e.getMessage().contains("cannot read the cluster secret"), e.getMessage());
  }
}
