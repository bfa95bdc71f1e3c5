package tandem.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletionStage;

/**
 * An I/O job written the plain way: blocking code ({@code Thread.sleep}, a blocking HTTP client,
 * JDBC) that waits on the thread that calls it. It runs on a node like any I/O job, each call on a
 * thread of its own: a virtual thread when the node runs on JDK 21 or later, where waiting costs a
 * few kilobytes and no platform thread, and otherwise on the node's bounded blocking pool
 * ({@code tandem.blocking-io-dispatcher}), where as many jobs wait at once as the pool has threads.
 * {@code tandem catalog} and each job's {@code ranOn.thread} say which.
 *
 * <p>Pick {@link IoJob} when the waiting is asynchronous already (timers, an async client): it
 * holds no thread at all. Pick this when the code you have blocks.
 */
public interface BlockingJob extends IoJob {

  /**
   * Runs the job to its end on the calling thread, which may block. A cancelled or timed-out job
   * is interrupted: blocking calls end with {@link InterruptedException}, loops should check
   * {@link Thread#interrupted()}.
   *
   * @return the result, a plain JSON value or bytes as a {@code BinaryNode}
   * @throws BadInputException when the input is wrong in a way only the run can tell
   * @throws Exception for any other failure; its message becomes the job's error
   */
  JsonNode call(JobInput input) throws Exception;

  /** Runs {@link #call} through {@link IoContext#blocking}; not meant to be overridden. */
  @Override
  default CompletionStage<JsonNode> start(JobInput input, IoContext io) {
    return io.blocking(() -> call(input));
  }
}
