package tandem.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * A job that mostly waits (timers, sockets, files): it runs on a node and must not hold a thread
 * while it waits. Use {@link IoContext#after} for delays, asynchronous clients for the network,
 * and {@link IoContext#blocking} for calls that can only block. Code that blocks throughout is
 * simpler written as a {@link BlockingJob}.
 */
public non-sealed interface IoJob extends Job {

  @Override
  default JobKind kind() {
    return JobKind.IO;
  }

  /**
   * Starts the job and returns at once.
   *
   * @return a stage completed with the result (a plain JSON value, or bytes as a {@code BinaryNode}) or
   *     with the failure
   */
  CompletionStage<JsonNode> start(JobInput input, IoContext io);
}
