package tandem.node.pool;

import java.io.IOException;

/**
 * Starts one worker JVM that joins the cluster through {@code seed} ({@code host:port}). The
 * launcher provides it, since it knows the distribution; the node only decides when.
 *
 * <p>The process's standard input must be a pipe from this JVM: the worker halts when it closes,
 * which is how it follows its node's death, even {@code kill -9}.
 */
@FunctionalInterface
public interface WorkerProcessFactory {
  Process start(String seed) throws IOException;
}
