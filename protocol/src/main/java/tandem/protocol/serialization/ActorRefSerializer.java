package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/** Writes a typed actor ref as its full path, the form Pekko itself resolves on the other side. */
final class ActorRefSerializer extends Serializer<ActorRef<?>> {
  private final Supplier<ActorRefResolver> resolver;

  ActorRefSerializer(Supplier<ActorRefResolver> resolver) {
    super(false, true);
    this.resolver = resolver;
  }

  @Override
  public void write(Kryo kryo, Output output, ActorRef<?> ref) {
    output.writeString(resolver.get().toSerializationFormat(ref));
  }

  @Override
  public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
    return resolver.get().resolveActorRef(input.readString());
  }
}
