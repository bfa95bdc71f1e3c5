package tandem.launcher.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tandem.node.pool.WorkerProcessFactory;

/**
 * Starts worker JVMs for a node from the same distribution. Each worker's standard input is a
 * pipe from the node; its output goes where the node's goes.
 */
public final class LocalWorkerFactory implements WorkerProcessFactory {
  private final List<String> jvmOptions;
  private final Path configFile;
  private final String host;

  public LocalWorkerFactory(List<String> jvmOptions, Path configFile, String host) {
    this.jvmOptions = jvmOptions;
    this.configFile = configFile;
    this.host = host;
  }

  @Override
  public Process start(String seed) throws IOException {
    List<String> args = new ArrayList<>(List.of("worker", "--seed", seed, "--host", host, "--parent-watch"));
    if (configFile != null) {
      args.add("--config");
      args.add(configFile.toAbsolutePath().toString());
    }
    return new ProcessBuilder(Distribution.javaCommand(jvmOptions, args))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
