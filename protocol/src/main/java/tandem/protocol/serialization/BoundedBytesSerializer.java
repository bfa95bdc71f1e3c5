package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Byte arrays (encoded values, parts of payloads) as their length and raw bytes. Like {@link
 * BoundedStringSerializer}, it refuses a declared length longer than what is left of the message
 * before it allocates anything.
 */
final class BoundedBytesSerializer extends Serializer<byte[]> {
  BoundedBytesSerializer() {
    super(false, true);
  }

  @Override
  public void write(Kryo kryo, Output output, byte[] bytes) {
    output.writeVarInt(bytes.length, true);
    output.writeBytes(bytes);
  }

  @Override
  public byte[] read(Kryo kryo, Input input, Class<? extends byte[]> type) {
    int length = input.readVarInt(true);
    int left = input.limit() - input.position();
    if (length < 0 || length > left) {
      throw new KryoException("a byte array declares " + length + " bytes where " + left + " are left");
    }
    return input.readBytes(length);
  }
}
