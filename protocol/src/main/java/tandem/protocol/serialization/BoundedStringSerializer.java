package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;

/**
 * Strings as their UTF-8 length and bytes. Kryo's own string reader sizes its buffer from the
 * length a message declares, so a few rogue bytes could ask for gigabytes; this one refuses a
 * length longer than what is left of the message before it allocates anything.
 */
final class BoundedStringSerializer extends Serializer<String> {
  BoundedStringSerializer() {
    super(false, true);
  }

  @Override
  public void write(Kryo kryo, Output output, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    output.writeVarInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  @Override
  public String read(Kryo kryo, Input input, Class<? extends String> type) {
    int length = input.readVarInt(true);
    int left = input.limit() - input.position();
    if (length < 0 || length > left) {
      throw new KryoException("a string declares " + length + " bytes where " + left + " are left");
    }
    return new String(input.readBytes(length), StandardCharsets.UTF_8);
  }
}
