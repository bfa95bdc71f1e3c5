package tandem.protocol.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** The one JSON mapper, and the few conversions between JSON text and trees Tandem needs. */
public final class Json {
  private Json() {}

  /**
   * Jackson refuses strings over 20 M characters by default; results and inputs may be as large as
   * tandem.wire.max-payload-bytes, which is checked where they arise.
   */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build());
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** Text of a tree; trees built in Tandem always serialize. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses text Tandem wrote itself (so a failure is a bug, not bad input). */
  public static JsonNode read(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a JSON object Tandem wrote itself. */
  public static ObjectNode readObject(String text) {
    return (ObjectNode) read(text);
  }
}
