package tandem.node.jobs.diagnostic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.ArrayList;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * Holds mb=N megabytes at once: above its worker's heap, the job that runs a worker out of memory,
 * to see that it kills no more than two. Runs only with {@code tandem.jobs.diagnostics = on}.
 */
public final class HogJob implements CpuJob {
  private static final int MB = 1024 * 1024;

  @Override
  public String name() {
    return "hog";
  }

  @Override
  public String description() {
    return "diagnostic: holds mb=N megabytes at once (above the worker's heap, it runs the worker out of memory)";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("mb", 1, 1_000_000, "megabytes to hold at once"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    int mb = (int) input.getLong("mb");
    List<byte[]> held = new ArrayList<>(mb);
    for (int i = 0; i < mb; i++) {
      if (Thread.interrupted()) {
        throw new InterruptedException("cancelled");
      }
      byte[] block = new byte[MB];
      block[i % MB] = 1; // touched, so it is really there
      held.add(block);
    }
    return IntNode.valueOf(held.size());
  }
}
