package tandem.launcher.certs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import tandem.launcher.cli.CliException;

/**
 * A cluster's TLS material, made with the JDK's own keytool: a certificate authority, a key store
 * per member holding a key and a certificate the authority signed, a trust store that trusts only
 * that authority, and per member a HOCON file that switches Artery to TLS with mutual
 * authentication using them. A process whose certificate another authority signed cannot join.
 */
public final class ClusterCerts {
  /** How long member certificates last; the authority lasts ten years. */
  private static final int MEMBER_DAYS = 825;

  private final Path dir;
  private final String keytool;
  private final String password;

  private ClusterCerts(Path dir) {
    this.dir = dir;
    Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
    Path sibling = java.resolveSibling("keytool");
    this.keytool = Files.isExecutable(sibling) ? sibling.toString() : "keytool";
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    this.password = HexFormat.of().formatHex(secret);
  }

  /** Makes the authority and one key store and config file per member in {@code dir}, which must not hold them yet. */
  public static List<Path> init(Path dir, List<String> members) {
    if (Files.exists(dir.resolve("ca.p12"))) {
      throw CliException.usage(dir + " holds a cluster authority already (ca.p12); pick an empty folder, "
          + "or keep using it: its members' .conf files are there");
    }
    try {
      Files.createDirectories(dir);
      return new ClusterCerts(dir.toAbsolutePath()).make(members);
    } catch (IOException e) {
      throw CliException.usage("cannot write to " + dir + ": " + e.getMessage());
    }
  }

  private List<Path> make(List<String> members) throws IOException {
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=tandem cluster CA",
        "-ext", "bc:c", "-validity", "3650", "-keystore", store("ca"), "-storetype", "PKCS12");
    keytool("-exportcert", "-alias", "ca", "-rfc", "-file", dir.resolve("ca.pem").toString(), "-keystore", store("ca"));
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
        "-keystore", store("truststore"), "-storetype", "PKCS12");
    List<Path> configs = new ArrayList<>();
    for (String member : members) {
      String csr = dir.resolve(member + ".csr").toString();
      String pem = dir.resolve(member + ".pem").toString();
      keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + member,
          "-validity", String.valueOf(MEMBER_DAYS), "-keystore", store(member), "-storetype", "PKCS12");
      keytool("-certreq", "-alias", "member", "-file", csr, "-keystore", store(member));
      keytool("-gencert", "-alias", "ca", "-infile", csr, "-outfile", pem, "-rfc", "-validity", String.valueOf(MEMBER_DAYS),
          "-ext", "ku:c=digitalSignature,keyAgreement", "-ext", "eku=serverAuth,clientAuth", "-keystore", store("ca"));
      keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore", store(member));
      keytool("-importcert", "-alias", "member", "-file", pem, "-keystore", store(member));
      Files.delete(Path.of(csr));
      configs.add(writeConfig(member));
    }
    for (String name : List.of("ca.p12")) {
      restrict(dir.resolve(name));
    }
    return configs;
  }

  private Path writeConfig(String member) throws IOException {
    Path conf = dir.resolve(member + ".conf");
    String text = "# Artery over TLS with mutual authentication for the member '" + member + "' of this cluster\n"
        + "# (tandem certs init). Start its processes with --config " + conf + "\n"
        + "pekko.remote.artery {\n"
        + "  transport = tls-tcp\n"
        + "  ssl.config-ssl-engine {\n"
        + "    key-store = " + quoted(store(member)) + "\n"
        + "    trust-store = " + quoted(store("truststore")) + "\n"
        + "    key-store-password = " + quoted(password) + "\n"
        + "    key-password = " + quoted(password) + "\n"
        + "    trust-store-password = " + quoted(password) + "\n"
        + "    protocol = \"TLSv1.3\"\n"
        + "    require-mutual-authentication = on\n"
        + "  }\n"
        + "}\n";
    Files.writeString(conf, text, StandardCharsets.UTF_8);
    restrict(conf);
    restrict(Path.of(store(member)));
    return conf;
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private String store(String name) {
    return dir.resolve(name + ".p12").toString();
  }

  /** Readable by its owner only, where the file system knows owners. */
  private static void restrict(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // not a POSIX file system: left as the user's umask made it
    }
  }

  private void keytool(String... args) {
    List<String> command = new ArrayList<>(List.of(keytool));
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", password, "-keypass", password));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw CliException.usage("keytool " + args[0] + " failed: " + out.trim());
      }
    } catch (IOException e) {
      throw CliException.usage("cannot run keytool (" + keytool + "): " + e.getMessage() + "; it comes with every JDK");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.usage("interrupted while making the cluster's certificates");
    }
  }
}
