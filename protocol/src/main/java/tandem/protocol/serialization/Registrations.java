package tandem.protocol.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRefResolver;
import tandem.protocol.MemberProtocol;
import tandem.protocol.NodeProtocol;
import tandem.protocol.Vitals;
import tandem.protocol.WorkerProtocol;

/**
 * The one list of classes that may cross the wire, each with a fixed id shared by every process.
 * Ids are never reused or renumbered: a node and a worker from different builds must agree.
 */
public final class Registrations {
  private Registrations() {}

  /** A class that may cross the wire and its fixed id. */
  public record Entry(Class<?> type, int id) {}

  // Ids below 100 are left to Kryo's own registrations (primitives, String).
  private static final List<Entry> MESSAGES =
      List.of(
          new Entry(WorkerProtocol.WorkerReady.class, 200),
          new Entry(WorkerProtocol.RunTasks.class, 201),
          new Entry(WorkerProtocol.Task.class, 202),
          new Entry(WorkerProtocol.TasksDone.class, 203),
          new Entry(WorkerProtocol.TaskResult.class, 204),
          new Entry(WorkerProtocol.CancelTasks.class, 205),
          new Entry(WorkerProtocol.TaskPart.class, 206),
          new Entry(WorkerProtocol.ResultPart.class, 207),
          new Entry(WorkerProtocol.Halt.class, 208),
          new Entry(WorkerProtocol.WorkerRetiring.class, 209),
          new Entry(WorkerProtocol.TaskLogs.class, 210),
          new Entry(MemberProtocol.DescribeMember.class, 300),
          new Entry(MemberProtocol.MemberDescription.class, 301),
          new Entry(Vitals.class, 302),
          new Entry(MemberProtocol.TailLog.class, 310),
          new Entry(MemberProtocol.LogTail.class, 311),
          new Entry(NodeProtocol.FindJob.class, 400),
          new Entry(NodeProtocol.FoundJob.class, 401));

  private static final int ARRAY_LIST = 100;
  private static final int LIST_12 = 101;
  private static final int LIST_N = 102;
  private static final int BYTES = 103;
  private static final int ACTOR_REF = 110;

  /** The message classes registered, for the round-trip test. */
  public static List<Entry> messages() {
    return MESSAGES;
  }

  /** A Kryo that reads and writes exactly the registered classes and refuses everything else. */
  static Kryo newKryo(Supplier<ActorRefResolver> resolver, int maxElements) {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Replaces the serializer of Kryo's own registration of String (same id): bounded reads.
    kryo.register(String.class, new BoundedStringSerializer());
    Serializer<List<?>> lists = new ImmutableListSerializer(maxElements);
    kryo.register(ArrayList.class, lists, ARRAY_LIST);
    kryo.register(List.of(1).getClass(), lists, LIST_12);
    kryo.register(List.of(1, 2, 3).getClass(), lists, LIST_N);
    kryo.register(byte[].class, new BoundedBytesSerializer(), BYTES);
    kryo.register(actorRefClass(), new ActorRefSerializer(resolver), ACTOR_REF);
    for (Entry e : MESSAGES) {
      kryo.register(e.type(), e.id());
    }
    return kryo;
  }

  /** Typed refs, local or remote, are all this one adapter class inside Pekko. */
  private static Class<?> actorRefClass() {
    try {
      return Class.forName("org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter");
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("this Pekko version has no typed ActorRefAdapter", e);
    }
  }
}
