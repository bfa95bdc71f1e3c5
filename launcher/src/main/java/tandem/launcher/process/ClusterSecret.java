package tandem.launcher.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tandem.launcher.cli.CliException;

/**
 * A cluster's secret ({@code tandem.cluster.secret-file}, {@code --secret-file}): the four bytes
 * every Artery connection of the cluster starts with ({@code pekko.remote.artery.advanced.tcp-magic})
 * are derived from it, so a connection from a process without it is closed on its first four
 * bytes, before Pekko reads a frame length. That keeps a stranger's bytes away from Pekko 1.7.0's
 * framing, which loops on a negative length (apache/pekko#3492, fixed upstream, not yet released).
 * Four bytes stop strangers and scanners, not someone who can watch the traffic or try millions of
 * connections: for that, TLS ({@code tandem certs}).
 */
public final class ClusterSecret {
  /** The file {@code tandem up} writes in its state folder, and where node and worker look by default. */
  public static final String FILE_NAME = "cluster-secret";
  private static final Set<String> PEKKO_DEFAULTS = Set.of("AKKA", "PEKK");

  private ClusterSecret() {}

  /** Writes a new random secret to {@code file}, readable by its owner only. */
  public static void create(Path file) {
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, HexFormat.of().formatHex(secret) + "\n");
    } catch (UnsupportedOperationException e) {
      throw CliException.usage("cannot make " + file + " readable by its owner only on this file system");
    } catch (IOException e) {
      throw CliException.usage("cannot write the cluster secret " + file + ": " + e.getMessage());
    }
  }

  /** {@code config} with the Artery magic derived from its secret file, if it names one. */
  public static Config apply(Config config) {
    String name = config.getString("tandem.cluster.secret-file").trim();
    if (name.isEmpty()) {
      return config;
    }
    String magic = magic(read(Path.of(name)));
    return ConfigFactory.parseMap(Map.of("pekko.remote.artery.advanced.tcp-magic", List.of(magic))).withFallback(config);
  }

  private static String read(Path file) {
    if (!Files.isReadable(file)) {
      throw CliException.usage("cannot read the cluster secret " + file + "; give the file 'tandem up' wrote "
          + "(.tandem/" + FILE_NAME + ") or one made with 'openssl rand -hex 24 > FILE; chmod 600 FILE'");
    }
    checkOwnerOnly(file);
    String secret;
    try {
      secret = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw CliException.usage("cannot read the cluster secret " + file + ": " + e.getMessage());
    }
    if (secret.length() < 16) {
      throw CliException.usage("the cluster secret " + file + " holds " + secret.length()
          + " characters; give it 16 or more, e.g. 'openssl rand -hex 24'");
    }
    return secret;
  }

  private static void checkOwnerOnly(Path file) {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return; // no POSIX permissions here (not Linux or macOS): nothing to check
    } catch (IOException e) {
      throw CliException.usage("cannot read the cluster secret " + file + ": " + e.getMessage());
    }
    if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      throw CliException.usage("the cluster secret " + file + " can be read by others; make it its owner's only: chmod 600 " + file);
    }
  }

  /**
   * Four printable ASCII characters from the secret's SHA-256 (Artery takes the first four UTF-8
   * bytes of the setting), never one of Pekko's own defaults.
   */
  static String magic(String secret) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    for (int offset = 0; offset + 4 <= hash.length; offset += 4) {
      StringBuilder magic = new StringBuilder(4);
      for (int i = offset; i < offset + 4; i++) {
        magic.append((char) ('!' + Math.floorMod(hash[i], 94)));
      }
      if (!PEKKO_DEFAULTS.contains(magic.toString())) {
        return magic.toString();
      }
    }
    throw new IllegalStateException("no magic from this secret; choose another");
  }
}
