package tandem.node.jobs.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/**
 * What a job that reads content (a file, an HTTP body) returns: a summary, or the content itself
 * as bytes (carried raw between processes), text or base64, so a pipeline's next step can take it
 * as its {@code input}. In a pipeline, such a job feeding another step returns bytes unless told
 * otherwise.
 */
enum ContentMode {
  SUMMARY, BYTES, TEXT, BASE64;

  static final String PARAM = "as";

  static Param param() {
    return Param.optionalString(PARAM,
        "summary (default: size and SHA-256; bytes when feeding a pipeline's next step), bytes (the content, raw), "
            + "text (the content as UTF-8 text) or base64");
  }

  static ContentMode of(JobInput input) {
    String given = input.has(PARAM) ? input.getString(PARAM) : "summary";
    return switch (given) {
      case "summary" -> SUMMARY;
      case "bytes" -> BYTES;
      case "text" -> TEXT;
      case "base64" -> BASE64;
      default -> throw new BadInputException("as must be summary, bytes, text or base64, not '" + given + "'");
    };
  }

  /** The content as this mode returns it; never called for {@link #SUMMARY}. */
  JsonNode render(byte[] content, String what) {
    if (this == BYTES) {
      return BinaryNode.valueOf(content);
    }
    if (this == BASE64) {
      return TextNode.valueOf(Base64.getEncoder().encodeToString(content));
    }
    try {
      return TextNode.valueOf(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content))
          .toString());
    } catch (CharacterCodingException e) {
      throw new BadInputException(what + " is not UTF-8 text; ask for as=bytes (or as=base64)");
    }
  }

  /** The refusal for content over the payload cap, before it is read. */
  static BadInputException tooLarge(String what, long bytes, long cap) {
    return new BadInputException(what + " is " + bytes + " bytes; content returned whole is capped at " + cap
        + " bytes (tandem.wire.max-payload-bytes); ask for as=summary, or raise the cap");
  }
}
