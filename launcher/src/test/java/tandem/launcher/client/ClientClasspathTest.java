package tandem.launcher.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;

/**
 * The Java client is meant to be embedded in any program with protocol's {@code tandem.protocol.api},
 * Jackson and the JDK on its classpath: no Pekko, no Kryo, no Scala, no node. Each client class, and
 * every class its bytecode names, is loaded and linked here by a class loader that sees only those,
 * so an import of the node (or of anything that drags Pekko in) fails this test by name.
 */
class ClientClasspathTest {
  private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([^;<>]+);");

  /** The JDK (platform modules), Jackson, and the packages a client program has; nothing else. */
  private static final class ClientOnly extends URLClassLoader {
    ClientOnly(URL... urls) {
      super(urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      String refused = refusal(name);
      if (refused != null) {
        throw new ClassNotFoundException(name + ": " + refused);
      }
      return super.loadClass(name, resolve);
    }
  }

  /** Why a program embedding the client would not have {@code name}; null when it has it. */
  private static String refusal(String name) {
    if (name.startsWith("org.apache.pekko.") || name.startsWith("scala.")) {
      return "Pekko and Scala are the node's, not the client's";
    }
    if (name.startsWith("com.esotericsoftware.")) {
      return "Kryo is the cluster's wire format, not the client's";
    }
    if (name.startsWith("tandem.node.")) {
      return "the node is not on a client program's classpath";
    }
    if (name.startsWith("tandem.protocol.") && !name.startsWith("tandem.protocol.api.")) {
      return "of protocol/, a client program has tandem.protocol.api only (the rest is the cluster's messages)";
    }
    if (name.startsWith("tandem.launcher.") && !name.startsWith("tandem.launcher.client.")) {
      return "of the launcher, a client program has tandem.launcher.client only";
    }
    return null;
  }

  @Test
  @DisplayName("every class of tandem.launcher.client loads and links with only protocol's api, Jackson and the JDK")
  void clientNeedsOnlyProtocolApi() throws Exception {
    List<String> client = classesIn(location(TandemClient.class), "tandem/launcher/client/");
    assertTrue(client.contains(TandemClient.class.getName()), client.toString());
    assertLinks(client);
  }

  @Test
  @DisplayName("tandem.protocol.api names nothing from Pekko, Kryo or the rest of protocol")
  void protocolApiIsStandalone() throws Exception {
    List<String> api = classesIn(location(Json.class), "tandem/protocol/api/");
    assertTrue(api.contains(Json.class.getName()), api.toString());
    assertLinks(api);
  }

  @Test
  @DisplayName("the loader itself refuses the node, Pekko, Kryo and protocol's messages, with the reason")
  void refusesWhatAClientLacks() throws Exception {
    try (ClientOnly loader = loader()) {
      for (String name : List.of("tandem.node.Guardian", "org.apache.pekko.actor.typed.ActorSystem",
          "com.esotericsoftware.kryo.Kryo", "scala.Option", "tandem.protocol.WorkerProtocol")) {
        try {
          loader.loadClass(name);
          fail(name + " was loaded");
        } catch (ClassNotFoundException expected) {
          assertTrue(expected.getMessage().startsWith(name + ": "), expected.getMessage());
        }
      }
      assertEquals(loader, loader.loadClass(Json.class.getName()).getClassLoader());
    }
  }

  /**
   * Loads and links each class (reflection on its members links it: the verifier loads what it
   * checks, the signatures their types), then loads whatever else its bytecode names.
   */
  private static void assertLinks(List<String> classes) throws Exception {
    List<String> problems = new ArrayList<>();
    try (ClientOnly loader = loader()) {
      for (String name : classes) {
        try {
          Class<?> type = Class.forName(name, false, loader);
          assertEquals(loader, type.getClassLoader(), name + " came from the test's own classpath");
          type.getDeclaredFields();
          type.getDeclaredMethods();
          type.getDeclaredConstructors();
          for (String named : namedBy(loader, name)) {
            String refused = refusal(named);
            if (refused != null) {
              problems.add(name + " uses " + named + " (" + refused + ")");
            } else {
              Class.forName(named, false, loader);
            }
          }
        } catch (ClassNotFoundException | LinkageError e) {
          problems.add(name + " cannot be linked: " + rootMessage(e));
        }
      }
    }
    assertTrue(problems.isEmpty(), "a program embedding the client would fail:\n  " + String.join("\n  ", problems));
  }

  private static ClientOnly loader() {
    return new ClientOnly(location(TandemClient.class), location(Json.class), location(ObjectMapper.class),
        location(JsonFactory.class), location(JsonProperty.class));
  }

  private static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  /** The classes of one package (and no sub-package) in a folder of classes or a jar. */
  private static List<String> classesIn(URL location, String folder) throws Exception {
    Path path = Path.of(location.toURI());
    List<String> entries = new ArrayList<>();
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.list(path.resolve(folder))) {
        files.forEach(file -> entries.add(folder + file.getFileName()));
      }
    } else {
      try (JarFile jar = new JarFile(path.toFile())) {
        jar.stream().map(JarEntry::getName).forEach(entries::add);
      }
    }
    return entries.stream()
        .filter(e -> e.startsWith(folder) && e.endsWith(".class") && e.indexOf('/', folder.length()) < 0)
        .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
        .sorted()
        .toList();
  }

  /**
   * The classes a class file's constant pool names: those it uses as classes, and those in the
   * descriptors of the fields and methods it calls. Linking alone resolves these only once the
   * code that needs them runs.
   */
  private static Set<String> namedBy(ClassLoader loader, String name) throws IOException {
    Set<String> named = new TreeSet<>();
    try (InputStream bytes = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
      DataInputStream in = new DataInputStream(bytes);
      in.skipNBytes(8); // magic, minor and major version
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      List<Integer> classNames = new ArrayList<>();
      List<Integer> descriptors = new ArrayList<>();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNames.add(in.readUnsignedShort());
          case 16 -> descriptors.add(in.readUnsignedShort());
          case 12 -> {
            in.readUnsignedShort();
            descriptors.add(in.readUnsignedShort());
          }
          case 8, 19, 20 -> in.skipNBytes(2);
          case 15 -> in.skipNBytes(3);
          case 3, 4, 9, 10, 11, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++; // a long or double takes two entries
          }
          default -> throw new IOException(name + ": unknown constant pool tag " + tag);
        }
      }
      for (int index : classNames) {
        String type = utf8[index];
        if (type.startsWith("[")) {
          descriptors.add(index);
        } else {
          named.add(type.replace('/', '.'));
        }
      }
      for (int index : descriptors) {
        Matcher m = DESCRIPTOR_CLASS.matcher(utf8[index]);
        while (m.find()) {
          named.add(m.group(1).replace('/', '.'));
        }
      }
    }
    return named;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }
}
