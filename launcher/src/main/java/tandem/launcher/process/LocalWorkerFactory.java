package tandem.launcher.process;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tandem.node.pool.WorkerProcessFactory;

/**
 * Starts worker JVMs for a node from the same distribution. Each worker's standard input is a
 * pipe from the node; its output goes where the node's goes.
 */
public final class LocalWorkerFactory implements WorkerProcessFactory {
  private final List<String> jvmOptions;
  private final List<String> passOn;
  private final String host;

  /** @param passOn options the worker gets as the node got them ({@code --config}, {@code --jobs}) */
  public LocalWorkerFactory(List<String> jvmOptions, List<String> passOn, String host) {
    this.jvmOptions = jvmOptions;
    this.passOn = passOn;
    this.host = host;
  }

  @Override
  public Process start(String seed) throws IOException {
    List<String> args = new ArrayList<>(List.of("worker", "--seed", seed, "--host", host, "--parent-watch"));
    args.addAll(passOn);
    return new ProcessBuilder(Distribution.javaCommand(jvmOptions, args))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
