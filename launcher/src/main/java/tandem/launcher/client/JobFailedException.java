package tandem.launcher.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A job ended without a result: it failed, was cancelled or timed out. {@link #job()} says how. */
public final class JobFailedException extends RuntimeException {
  private final transient JsonNode job;

  public JobFailedException(JsonNode job) {
    super(job.path("job").asText() + " " + job.path("id").asText() + " " + job.path("state").asText()
        + ": " + job.path("error").asText("no reason given"));
    this.job = job;
  }

  /** The job as its owner last showed it. */
  public JsonNode job() {
    return job;
  }
}
