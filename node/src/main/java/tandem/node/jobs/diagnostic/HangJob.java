package tandem.node.jobs.diagnostic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * Spins forever and ignores interrupts: the runaway job that only killing its process stops.
 * Runs only with {@code tandem.jobs.diagnostics = on}.
 */
public final class HangJob implements CpuJob {
  @Override
  public String name() {
    return "hang";
  }

  @Override
  public String description() {
    return "diagnostic: keeps a core busy forever and ignores interrupts (only killing its worker stops it)";
  }

  @Override
  public List<Param> params() {
    return List.of();
  }

  @Override
  @SuppressWarnings("InfiniteLoopStatement")
  public JsonNode compute(JobInput input) {
    while (true) {
      Thread.interrupted(); // swallowed, on purpose
      Thread.onSpinWait();
    }
  }
}
