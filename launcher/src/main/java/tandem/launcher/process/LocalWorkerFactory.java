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
  private final List<String> address;

  /**
   * @param passOn options the worker gets as the node got them ({@code --config}, {@code --jobs})
   * @param address {@code --host} (and {@code --public-host}) as the node listens and is reached
   */
  public LocalWorkerFactory(List<String> jvmOptions, List<String> passOn, List<String> address) {
    this.jvmOptions = jvmOptions;
    this.passOn = passOn;
    this.address = address;
  }

  @Override
  public Process start(String seed) throws IOException {
    List<String> args = new ArrayList<>(List.of("worker", "--seed", seed));
    args.addAll(address);
    args.add("--parent-watch");
    args.addAll(passOn);
    return new ProcessBuilder(Distribution.javaCommand(jvmOptions, args))
        .redirectInput(ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
