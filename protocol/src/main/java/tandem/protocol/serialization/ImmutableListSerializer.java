package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.List;

/**
 * Lists on the wire: written as a count and elements, read back as an immutable {@link List#of}.
 * Kryo's own collection serializer cannot build the JDK's immutable lists, and a declared count
 * is checked against a bound before anything is allocated for it.
 */
final class ImmutableListSerializer extends Serializer<List<?>> {
  private final int maxElements;

  ImmutableListSerializer(int maxElements) {
    super(false, true);
    this.maxElements = maxElements;
  }

  @Override
  public void write(Kryo kryo, Output output, List<?> list) {
    output.writeVarInt(list.size(), true);
    for (Object element : list) {
      kryo.writeClassAndObject(output, element);
    }
  }

  @Override
  public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
    int size = input.readVarInt(true);
    if (size > maxElements) {
      throw new KryoException("list of " + size + " elements is over the limit of " + maxElements);
    }
    Object[] elements = new Object[size];
    for (int i = 0; i < size; i++) {
      elements[i] = kryo.readClassAndObject(input);
    }
    return List.of(elements);
  }
}
