package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tandem.protocol.api.Json;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** n! computed exactly: the number of its decimal digits and the SHA-256 of those digits. */
public final class FactorialJob implements CpuJob {
  @Override
  public String name() {
    return "factorial";
  }

  @Override
  public String description() {
    return "n! exactly: its digit count and the SHA-256 of its decimal digits (with full=true, the digits)";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.integer("n", 0, 1_000_000, "the number whose factorial to compute"),
        Param.optionalBoolean("full", "also return all the digits as \"value\" (n=100000 is 456,574 of them)"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long n = input.getLong("n");
    BigInteger product = productOf(1, n + 1);
    String digits = product.toString();
    ObjectNode result = Json.object();
    result.put("digits", digits.length());
    result.put("sha256", Hashing.hex(Hashing.sha256().digest(digits.getBytes(StandardCharsets.US_ASCII))));
    if (input.getBoolean("full", false)) {
      result.put("value", digits);
    }
    return result;
  }

  /** The product of [lo, hi), split in halves so the multiplications stay balanced and fast. */
  private static BigInteger productOf(long lo, long hi) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted");
    }
    if (hi - lo <= 16) {
      BigInteger p = BigInteger.ONE;
      for (long i = lo; i < hi; i++) {
        p = p.multiply(BigInteger.valueOf(i));
      }
      return p;
    }
    long mid = (lo + hi) >>> 1;
    return productOf(lo, mid).multiply(productOf(mid, hi));
  }
}
