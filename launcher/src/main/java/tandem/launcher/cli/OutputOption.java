package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import tandem.launcher.client.TandemClient;

/**
 * {@code --output FILE}: a finished job's result written to a file as it is, instead of printed:
 * bytes raw (streamed from the owner's {@code GET /jobs/{id}/result}), text as the text, anything
 * else as compact JSON.
 */
final class OutputOption {
  @Option(names = "--output", paramLabel = "FILE",
      description = "write the result to FILE as it is (bytes raw, text as text, anything else as JSON) instead of printing it")
  Path file;

  boolean given() {
    return file != null;
  }

  /** Checks the file can be written before the job runs, so a typo costs no job. */
  void checkWritable() {
    if (file == null) {
      return;
    }
    try {
      Files.write(file, new byte[0]);
    } catch (IOException e) {
      throw CliException.usage("--output " + file + " cannot be written: " + e);
    }
  }

  /** Writes a succeeded job's result to the file; the line that says so, for stderr. */
  String write(TandemClient client, JsonNode job) {
    try {
      if (TandemClient.isBytes(job)) {
        client.saveResult(job.path("id").asText(), file).join();
      } else {
        Files.writeString(file, JobText.result(job), StandardCharsets.UTF_8);
      }
      return "wrote the result to " + file + " (" + Files.size(file) + " bytes)";
    } catch (IOException e) {
      throw CliException.usage("--output " + file + " cannot be written: " + e);
    }
  }

  /** For a bytes result printed without {@code --output}: how to get the bytes themselves. */
  static String hint(JsonNode job) {
    return TandemClient.isBytes(job) ? "the result is bytes, shown by size and SHA-256; --output FILE writes them" : null;
  }
}
