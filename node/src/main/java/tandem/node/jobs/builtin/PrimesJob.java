package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Counts primes below n, or in [from, to), by trial division. */
public final class PrimesJob implements CpuJob {
  private static final long LIMIT = 1_000_000_000_000L;

  @Override
  public String name() {
    return "primes";
  }

  @Override
  public String description() {
    return "count of primes below n, or in [from, to), by trial division";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optionalInteger("n", 0, LIMIT, "count the primes below n"),
        Param.optionalInteger("from", 0, LIMIT, "with to: first number of the range"),
        Param.optionalInteger("to", 0, LIMIT, "with from: end of the range (excluded)"));
  }

  @Override
  public void validate(JobInput input) {
    boolean range = input.has("from") || input.has("to");
    if (input.has("n") == range) {
      throw new BadInputException("primes takes either n=<integer> or from=<integer> to=<integer>");
    }
    if (range && !(input.has("from") && input.has("to"))) {
      throw new BadInputException("primes needs both from= and to=");
    }
    if (range && input.getLong("from") > input.getLong("to")) {
      throw new BadInputException("primes needs from <= to");
    }
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long from = input.has("n") ? 0 : input.getLong("from");
    long to = input.has("n") ? input.getLong("n") : input.getLong("to");
    return LongNode.valueOf(Primes.count(from, to));
  }
}
