package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.security.MessageDigest;
import java.util.List;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * SHA-256 of the text (its UTF-8) or bytes, then of that digest, {@code rounds} times in all. The
 * data is {@code text} or, as a pipeline step, {@code input}: the previous step's result, which is
 * bytes when the step before read a file or a URL.
 */
public final class Sha256Job implements CpuJob {
  @Override
  public String name() {
    return "sha256";
  }

  @Override
  public String description() {
    return "hex of SHA-256 applied rounds times to text or bytes";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optionalString("text", "the text to hash (UTF-8)"),
        Param.optionalString("input", "the bytes or text to hash, as a pipeline passes it (give text or input)"),
        Param.optionalInteger("rounds", 1, 100_000_000, "how many times to hash (default 1)"));
  }

  @Override
  public void validate(JobInput input) {
    if (input.has("text") == input.has("input")) {
      throw new BadInputException("sha256 needs text=<string> or, in a pipeline, input=<bytes or string>; exactly one of them");
    }
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    long rounds = input.getLong("rounds", 1);
    MessageDigest sha = Hashing.sha256();
    byte[] digest = input.getBytes(input.has("text") ? "text" : "input"); // text as its UTF-8
    for (long i = 0; i < rounds; i++) {
      if ((i & 0x3FFF) == 0x3FFF && Thread.interrupted()) {
        throw new InterruptedException("interrupted after " + i + " rounds");
      }
      digest = sha.digest(digest);
    }
    return TextNode.valueOf(Hashing.hex(digest));
  }
}
