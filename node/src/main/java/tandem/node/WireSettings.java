package tandem.node;

import com.typesafe.config.Config;
import tandem.protocol.Parts;

/**
 * How large a payload may cross between processes, read once from {@code tandem.wire}.
 *
 * @param maxPayloadBytes the largest parameters or result a job may have
 * @param partChars the most characters of text (a job's JSON for another node) one message carries
 * @param partBytes the most bytes of an encoded value one message carries; larger ones travel in parts
 */
public record WireSettings(long maxPayloadBytes, int partChars, int partBytes) {
  public static WireSettings create(Config config) {
    Config wire = config.getConfig("tandem.wire");
    return new WireSettings(
        wire.getBytes("max-payload-bytes"), Parts.maxChars(wire.getBytes("max-message-bytes")),
        Parts.maxBytes(wire.getBytes("max-message-bytes")));
  }
}
