package tandem.node;

import com.typesafe.config.Config;
import tandem.protocol.Parts;

/**
 * How large a payload may cross between processes, read once from {@code tandem.wire}.
 *
 * @param maxPayloadBytes the largest parameters or result a job may have
 * @param partChars the most characters one message carries; larger texts travel in parts
 */
public record WireSettings(long maxPayloadBytes, int partChars) {
  public static WireSettings create(Config config) {
    Config wire = config.getConfig("tandem.wire");
    return new WireSettings(
        wire.getBytes("max-payload-bytes"), Parts.maxChars(wire.getBytes("max-message-bytes")));
  }
}
