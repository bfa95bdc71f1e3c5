package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** The top words of a text: the CPU half of a fetch-then-compute pipeline. */
public final class WordCountJob implements CpuJob {
  @Override
  public String name() {
    return "wordcount";
  }

  @Override
  public String description() {
    return "the top words of a text (letters and digits, case folded) with their counts";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.string("input", "the text to count words in (bytes are read as UTF-8)"),
        Param.optionalInteger("top", 1, 10_000, "how many of the most frequent words (default 10)"));
  }

  @Override
  public JsonNode compute(JobInput input) throws InterruptedException {
    Map<String, Integer> counts = new HashMap<>();
    String text = text(input);
    int words = 0;
    int start = -1;
    for (int i = 0; i <= text.length(); i++) {
      boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
      if (inWord && start < 0) {
        start = i;
      } else if (!inWord && start >= 0) {
        counts.merge(text.substring(start, i).toLowerCase(Locale.ROOT), 1, Integer::sum);
        words++;
        start = -1;
        if ((words & 0xFFFF) == 0 && Thread.interrupted()) {
          throw new InterruptedException("interrupted after " + words + " words");
        }
      }
    }
    ObjectNode result = Json.object();
    result.put("words", words);
    result.put("distinct", counts.size());
    ArrayNode top = result.putArray("top");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(input.getLong("top", 10))
        .forEach(e -> top.addObject().put("word", e.getKey()).put("count", e.getValue()));
    return result;
  }

  /** The input as text: bytes (a file a pipeline read) are decoded as UTF-8, and binary data is refused. */
  private static String text(JobInput input) {
    try {
      return input.getString("input");
    } catch (BadInputException notText) {
      if (!input.isBytes("input")) {
        throw notText;
      }
      throw new BadInputException("wordcount counts words in UTF-8 text, but its input is " + input.getBytes("input").length
          + " bytes of binary data (not UTF-8); give it a text file, or a step that returns text");
    }
  }

}
