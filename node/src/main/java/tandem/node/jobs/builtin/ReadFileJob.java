package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletionStage;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** Reads a file below the node's data directory: bytes, lines and SHA-256, or the content itself. */
public final class ReadFileJob implements IoJob {
  @Override
  public String name() {
    return "read-file";
  }

  @Override
  public String description() {
    return "reads a file below the node's data directory: bytes, lines, SHA-256, or (as=bytes|text|base64) its content";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.string("path", "a path relative to the node's data directory"), ContentMode.param());
  }

  @Override
  public void validate(JobInput input) {
    ContentMode.of(input);
    Path path = Path.of(input.getString("path"));
    if (path.isAbsolute() || path.normalize().startsWith("..")) {
      throw new BadInputException(
          "read-file reads only below the node's data directory: give a relative path without '..', not "
              + path);
    }
  }

  @Override
  public CompletionStage<JsonNode> start(JobInput input, IoContext io) {
    String given = input.getString("path");
    ContentMode mode = ContentMode.of(input);
    return io.blocking(() -> {
      Path file = resolve(io.dataDir(), given);
      return mode == ContentMode.SUMMARY ? summary(file, given) : content(file, given, mode, io.maxResultBytes());
    });
  }

  private static JsonNode content(Path file, String given, ContentMode mode, long cap) throws IOException {
    long size = Files.size(file);
    // base64 grows by a third; bytes and text may not grow at all (ASCII), so that is the bound checked.
    long returned = mode == ContentMode.BASE64 ? (size + 2) / 3 * 4 : size;
    if (returned > cap) {
      throw ContentMode.tooLarge(given, size, cap);
    }
    return mode.render(Files.readAllBytes(file), given);
  }

  private static Path resolve(Path dataDir, String given) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      throw new BadInputException("this node's data directory " + dataDir
          + " does not exist; create it or set tandem.node.data-dir");
    }
    Path root = dataDir.toRealPath();
    Path file;
    try {
      file = root.resolve(given).toRealPath();
    } catch (NoSuchFileException e) {
      throw new BadInputException("no file " + given + " in the data directory " + root);
    }
    if (!file.startsWith(root)) {
      throw new BadInputException(given + " leads outside the data directory " + root + "; refused");
    }
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(given + " is not a regular file");
    }
    return file;
  }

  private static JsonNode summary(Path file, String given) throws IOException {
    MessageDigest sha = Hashing.sha256();
    long bytes = 0;
    long lines = 0;
    int last = '\n';
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
        last = buffer[n - 1];
      }
    }
    if (last != '\n') {
      lines++; // a last line without a newline still counts
    }
    ObjectNode result = Json.object();
    result.put("path", given);
    result.put("bytes", bytes);
    result.put("lines", lines);
    result.put("sha256", Hashing.hex(sha.digest()));
    return result;
  }
}
