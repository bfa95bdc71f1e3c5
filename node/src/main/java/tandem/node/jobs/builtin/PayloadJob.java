package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** A text of exactly the size asked for: measures how large results travel back from a worker. */
public final class PayloadJob implements CpuJob {
  /**
   * Above the default tandem.wire.max-payload-bytes (64 MiB) on purpose: it shows a result over the
   * cap failing in its worker with the cap's reason while the worker serves on.
   */
  private static final int MAX_BYTES = 100_000_000;
  private static final String LINE = "the quick brown fox jumps over the lazy dog 0123456789\n";

  @Override
  public String name() {
    return "payload";
  }

  @Override
  public String description() {
    return "a text of exactly bytes=N bytes (no real work: measures how large results travel)";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.integer("bytes", 0, MAX_BYTES, "the size of the text to return"));
  }

  @Override
  public JsonNode compute(JobInput input) {
    int bytes = (int) input.getLong("bytes");
    StringBuilder text = new StringBuilder(bytes);
    while (text.length() < bytes) {
      text.append(LINE, 0, Math.min(LINE.length(), bytes - text.length()));
    }
    return TextNode.valueOf(text.toString());
  }
}
