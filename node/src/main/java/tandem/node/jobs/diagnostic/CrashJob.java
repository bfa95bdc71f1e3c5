package tandem.node.jobs.diagnostic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * Halts the JVM it runs in, as a crash or an OOM kill would: the poison job that retries must not
 * chase forever. Runs only with {@code tandem.jobs.diagnostics = on}.
 */
public final class CrashJob implements CpuJob {
  @Override
  public String name() {
    return "crash";
  }

  @Override
  public String description() {
    return "diagnostic: halts the worker process that runs it";
  }

  @Override
  public List<Param> params() {
    return List.of();
  }

  @Override
  public JsonNode compute(JobInput input) {
    Runtime.getRuntime().halt(13);
    throw new IllegalStateException("unreachable: the JVM halted");
  }
}
