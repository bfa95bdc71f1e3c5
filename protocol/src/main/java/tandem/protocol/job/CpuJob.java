package tandem.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;

/** A job that keeps a core busy: it runs on a compute thread of a worker process. */
public non-sealed interface CpuJob extends Job {

  @Override
  default JobKind kind() {
    return JobKind.CPU;
  }

  /**
   * Runs the job to completion on the calling thread. Long loops should check {@link
   * Thread#interrupted()} so a cancelled job stops promptly.
   *
   * @return the result, a plain JSON value or bytes ({@code BinaryNode.valueOf(bytes)}, carried raw)
   * @throws BadInputException when the input is wrong in a way only the run can tell
   * @throws Exception for any other failure; its message becomes the job's error
   */
  JsonNode compute(JobInput input) throws Exception;
}
