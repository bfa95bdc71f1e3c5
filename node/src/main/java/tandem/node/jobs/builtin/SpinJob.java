package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Keeps one core busy for ms milliseconds; the result is how many loop turns that took. */
public final class SpinJob implements CpuJob {
  @Override
  public String name() {
    return "spin";
  }

  @Override
  public String description() {
    return "keeps one core busy for ms milliseconds";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("ms", 0, 86_400_000, "how long to spin"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long end = System.nanoTime() + input.getLong("ms") * 1_000_000L;
    long turns = 0;
    while (System.nanoTime() < end) {
      turns++;
      if ((turns & 0xFFF) == 0 && Thread.interrupted()) {
        throw new InterruptedException("interrupted after " + turns + " turns");
      }
    }
    return LongNode.valueOf(turns);
  }
}
