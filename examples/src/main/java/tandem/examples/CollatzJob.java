package tandem.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * A user job: how many Collatz steps take n down to 1, and the highest value on the way. It is a
 * {@link CpuJob}, so Tandem runs it in a worker process; it is listed in
 * META-INF/services/tandem.protocol.job.Job, so nodes and workers find it in their jobs folder.
 */
public final class CollatzJob implements CpuJob {
  @Override
  public String name() {
    return "collatz";
  }

  @Override
  public String description() {
    return "Collatz steps from n down to 1, and the peak on the way (an example user job)";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("n", 1, 1_000_000_000_000L, "where the sequence starts"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long n = input.getLong("n");
    long peak = n;
    long steps = 0;
    while (n != 1) {
      n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
      peak = Math.max(peak, n);
      if (++steps % 1_000_000 == 0 && Thread.interrupted()) {
        throw new InterruptedException("interrupted after " + steps + " steps");
      }
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("steps", steps);
    result.put("peak", peak);
    return result;
  }
}
