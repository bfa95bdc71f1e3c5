package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * The one Pekko serializer for every {@link tandem.protocol.WireMessage}: Kryo 5 with registration
 * required, pooled Kryo and buffer instances, and a bounded output so a message never grows past
 * what Artery can frame.
 */
public final class KryoSerializer extends JSerializer {
  /** Fixed for all time: Pekko writes it into every envelope. */
  public static final int IDENTIFIER = 7_417_001;

  private final Pool<Kryo> kryos;
  private final Pool<Output> outputs;
  private final int maxBytes;

  public KryoSerializer(ExtendedActorSystem system) {
    Config wire = system.settings().config().getConfig("tandem.wire");
    this.maxBytes = Math.toIntExact(wire.getBytes("max-message-bytes"));
    int maxElements = wire.getInt("max-list-elements");
    // The resolver needs a fully started system; serializers are built before that.
    ActorRefResolver[] resolver = new ActorRefResolver[1];
    this.kryos =
        new Pool<>(true, false, 64) {
          @Override
          protected Kryo create() {
            return Registrations.newKryo(
                () -> {
                  if (resolver[0] == null) {
                    resolver[0] = ActorRefResolver.get(Adapter.toTyped(system));
                  }
                  return resolver[0];
                },
                maxElements);
          }
        };
    this.outputs =
        new Pool<>(true, false, 64) {
          @Override
          protected Output create() {
            return new Output(4096, maxBytes);
          }
        };
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object message) {
    Kryo kryo = kryos.obtain();
    Output output = outputs.obtain();
    try {
      output.reset();
      kryo.writeClassAndObject(output, message);
      return output.toBytes();
    } catch (KryoException e) {
      throw new IllegalArgumentException(
          "cannot serialize " + message.getClass().getName() + " (limit " + maxBytes + " bytes): "
              + e.getMessage(),
          e);
    } finally {
      outputs.free(output);
      kryos.free(kryo);
    }
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    if (bytes.length > maxBytes) {
      throw new IllegalArgumentException(
          "refusing a message of " + bytes.length + " bytes (limit " + maxBytes + ")");
    }
    Kryo kryo = kryos.obtain();
    try {
      Input input = new Input(bytes);
      Object message = kryo.readClassAndObject(input);
      if (input.position() != bytes.length) {
        throw new NotSerializableException(
            (bytes.length - input.position()) + " unread bytes after " + message);
      }
      return message;
    } catch (KryoException | NotSerializableException e) {
      // Pekko logs this and drops the message; the process keeps serving.
      throw new IllegalArgumentException("malformed message: " + e.getMessage(), e);
    } finally {
      kryos.free(kryo);
    }
  }
}
