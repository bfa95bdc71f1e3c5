package tandem.launcher.bench;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.api.Json;

/**
 * How many bytes a small job takes on the wire: a {@code RunTasks} carrying one {@code noop} task,
 * serialized by the serializer nodes use (Artery adds its envelope header around it).
 */
final class WireSize {
  private WireSize() {}

  static int smallJobBytes() {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench-wire-size",
        // A local system: the serializer needs no cluster.
        ConfigFactory.parseString("pekko.loglevel = ERROR\npekko.actor.provider = local").withFallback(ConfigFactory.load()));
    try {
      var message = new WorkerProtocol.RunTasks(0, List.of(WorkerProtocol.Task.single(123_456, "noop",
          ValueCodec.encode(Json.object().put("x", 1)))));
      return SerializationExtension.get(Adapter.toClassic(system)).serialize(message).get().length;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
  }
}
