package tandem.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * How a bytes value reads in JSON, which cannot carry bytes raw. Shown to a client, it is {@code
 * {"bytes": N, "sha256": "<hex>"}} (or {@code {"base64": "..."}} when the client asks for the
 * content); sent by a client, {@code {"base64": "..."}} (an object with that one field) is bytes,
 * turned into a bytes value once, where the request arrives. Between processes bytes travel raw
 * (see {@link tandem.protocol.ValueCodec}); only JSON needs these spellings.
 */
public final class BytesJson {
  private BytesJson() {}

  /** The field of a shown bytes value that holds its size. */
  public static final String BYTES = "bytes";
  public static final String SHA256 = "sha256";
  /** The one field of a bytes value sent (or asked for) as base64. */
  public static final String BASE64 = "base64";

  /** {@code {"bytes": N, "sha256": "<hex>"}}. */
  public static ObjectNode summary(byte[] bytes) {
    return Json.object().put(BYTES, bytes.length).put(SHA256, HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  /** {@code {"base64": "..."}}. */
  public static ObjectNode base64(byte[] bytes) {
    return Json.object().put(BASE64, Base64.getEncoder().encodeToString(bytes));
  }

  /**
   * {@code value} as JSON shows it: each bytes value in it as its {@link #summary}, or as {@link
   * #base64} when {@code asBase64}. The value itself when it holds no bytes (nothing is copied).
   */
  public static JsonNode shown(JsonNode value, boolean asBase64) {
    if (value instanceof BinaryNode binary) {
      return asBase64 ? base64(binary.binaryValue()) : summary(binary.binaryValue());
    }
    if (!value.isContainerNode() || !holdsBytes(value)) {
      return value;
    }
    if (value.isArray()) {
      ArrayNode out = Json.NODES.arrayNode(value.size());
      value.forEach(element -> out.add(shown(element, asBase64)));
      return out;
    }
    ObjectNode out = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      out.set(field.getKey(), shown(field.getValue(), asBase64));
    }
    return out;
  }

  /** Whether a bytes value is anywhere in {@code value}. */
  public static boolean holdsBytes(JsonNode value) {
    if (value.isBinary()) {
      return true;
    }
    for (JsonNode child : value) {
      if (holdsBytes(child)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A value as a client sent it, with every {@code {"base64": "..."}} in it turned into bytes
   * (arrays and objects are changed in place).
   *
   * @throws IllegalArgumentException when such an object's text is not base64
   */
  public static JsonNode received(JsonNode value) {
    if (isBase64(value)) {
      try {
        return BinaryNode.valueOf(Base64.getDecoder().decode(value.get(BASE64).textValue()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("{\"" + BASE64 + "\": ...} holds bytes as base64, but its text is not base64: " + e.getMessage());
      }
    }
    if (value instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        array.set(i, received(array.get(i)));
      }
    } else if (value instanceof ObjectNode object) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        field.setValue(received(field.getValue()));
      }
    }
    return value;
  }

  private static boolean isBase64(JsonNode value) {
    return value.isObject() && value.size() == 1 && value.path(BASE64).isTextual();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
