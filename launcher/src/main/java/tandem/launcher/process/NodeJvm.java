package tandem.launcher.process;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/** How the nodes that Tandem starts itself ({@code up}, {@code demo}, {@code bench}) are started. */
public final class NodeJvm {
  private NodeJvm() {}

  /** The configured node JVM options ({@code tandem.launcher.node-jvm-options}), without the archive. */
  public static List<String> configured(Config config) {
    return new ArrayList<>(config.getStringList("tandem.launcher.node-jvm-options"));
  }

  /** The node JVM options from config, plus the node class archive where this JVM has one. */
  public static List<String> options(Config config) {
    List<String> options = configured(config);
    options.addAll(ClassArchive.useOptions(ClassArchive.Kind.NODE));
    return options;
  }
}
