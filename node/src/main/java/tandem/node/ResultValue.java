package tandem.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.BytesJson;
import tandem.protocol.api.Json;

/**
 * A job's result as its owner keeps it: JSON text, or bytes kept raw. JSON cannot carry bytes, so
 * a bytes result also has its JSON view ({@code {"bytes": N, "sha256": ...}}, see {@link
 * BytesJson}), made once here; every place that shows a job as JSON uses that text unchanged,
 * and only the raw download and a pipeline's next step take the bytes.
 *
 * @param json the result as JSON text; for bytes, their JSON view
 * @param bytes the result when it is bytes, else null
 */
public record ResultValue(String json, byte[] bytes) {

  /** A result as JSON text. */
  public static ResultValue json(String json) {
    return new ResultValue(json, null);
  }

  /** A result as a job returned it: bytes stay bytes; bytes inside a JSON value are shown by their size and hash. */
  public static ResultValue of(JsonNode value) {
    if (value instanceof BinaryNode binary) {
      return new ResultValue(Json.write(BytesJson.summary(binary.binaryValue())), binary.binaryValue());
    }
    if (value.isIntegralNumber() || value.isBoolean() || value.isNull()) {
      return json(value.asText()); // the same text, without a generator per element of a large map
    }
    return json(Json.write(BytesJson.shown(value, false)));
  }

  /** A result as it came from a worker, encoded (see {@link ValueCodec}). */
  public static ResultValue decoded(byte[] encoded) {
    return of(ValueCodec.decode(encoded));
  }

  /** The value, as the next step of a pipeline takes it: bytes as they are, not copied. */
  public JsonNode tree() {
    return bytes != null ? BinaryNode.valueOf(bytes) : Json.read(json);
  }

  public boolean isBytes() {
    return bytes != null;
  }
}
