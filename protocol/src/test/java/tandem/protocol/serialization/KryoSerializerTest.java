package tandem.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BinaryNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tandem.protocol.MemberProtocol;
import tandem.protocol.NodeProtocol;
import tandem.protocol.ValueCodec;
import tandem.protocol.TaskLog;
import tandem.protocol.Vitals;
import tandem.protocol.api.Json;
import tandem.protocol.WireMessage;
import tandem.protocol.WorkerProtocol;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KryoSerializerTest {
  private final ActorTestKit kit = ActorTestKit.create();
  private final Serialization serialization =
      SerializationExtension.get(Adapter.toClassic(kit.system()));

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  /** One example of every registered class; the tests below fail when a class lacks one. */
  private List<Object> samples() {
    TestProbe<WorkerProtocol.ToWorker> worker = kit.createTestProbe();
    TestProbe<WorkerProtocol.ToNode> node = kit.createTestProbe();
    TestProbe<MemberProtocol.MemberDescription> peer = kit.createTestProbe();
    TestProbe<NodeProtocol.FoundJob> found = kit.createTestProbe();
    TestProbe<MemberProtocol.LogTail> tail = kit.createTestProbe();
    WorkerProtocol.Task task = WorkerProtocol.Task.single(7, "square", ValueCodec.encode(Json.object().put("x", 12)));
    Vitals vitals = Vitals.ofThisProcess(2, 1, 40);
    WorkerProtocol.TaskResult ok = WorkerProtocol.TaskResult.succeeded(7, ValueCodec.encode(BinaryNode.valueOf(new byte[] {0, -1, 2})), "compute-1", 12);
    WorkerProtocol.TaskResult failed =
        WorkerProtocol.TaskResult.failed(8, "boom", "compute-1", 3)
            .withLog(new TaskLog(12, List.of(new TaskLog.Piece(0, "starting\n"))).encode());
    return List.of(
        new WorkerProtocol.WorkerReady(worker.ref(), 4242, 2, 1),
        new WorkerProtocol.RunTasks(1, List.of(task, WorkerProtocol.Task.chunk(8, "square", ValueCodec.encode(Json.NODES.arrayNode().add(Json.object().put("x", 1)))))),
        task,
        new WorkerProtocol.TasksDone(worker.ref(), List.of(ok, failed)),
        new WorkerProtocol.CancelTasks(1, List.of(7L, 8L)),
        new WorkerProtocol.TaskPart(1, 9, new byte[] {10, 1, 5}),
        new WorkerProtocol.Halt("task 7 ignored its cancel for 2 s"),
        new WorkerProtocol.WorkerRetiring(worker.ref()),
        new WorkerProtocol.TaskLogs(worker.ref(), 7, new TaskLog(0, List.of(new TaskLog.Piece(3, "é\n"))).encode()),
        new WorkerProtocol.ResultPart(worker.ref(), 9, new byte[] {(byte) 0xe9, 0, 7}),
        ok,
        new MemberProtocol.DescribeMember(peer.ref()),
        new MemberProtocol.MemberDescription("pekko://tandem@127.0.0.1:2551", 99, "http://x", vitals),
        vitals,
        new MemberProtocol.TailLog(41, 1000, tail.ref()),
        new MemberProtocol.LogTail("pekko://tandem@127.0.0.1:2552", 4242,
            List.of("2026-12-03 10:00:00.000 INFO  t.n.w.Worker - offering 1 slots", "two\n  at x.y(Z.java:1)"), 43, 2),
        new NodeProtocol.FindJob("ab12-7", true, found.ref()),
        new NodeProtocol.FoundJob("ab12-7", null, "pekko://tandem@127.0.0.1:2551"));
  }

  @Test
  @DisplayName("every registered message survives a round trip through the Kryo serializer")
  void roundTripsEveryRegisteredMessage() throws Exception {
    Set<Class<?>> covered = new HashSet<>();
    for (Object sample : samples()) {
      Serializer serializer = serialization.findSerializerFor(sample);
      assertInstanceOf(KryoSerializer.class, serializer, "serializer for " + sample.getClass());
      byte[] bytes = serializer.toBinary(sample);
      assertEquals(sample, serializer.fromBinary(bytes, sample.getClass()));
      covered.add(sample.getClass());
    }
    Set<Class<?>> registered =
        Registrations.messages().stream().map(Registrations.Entry::type).collect(Collectors.toSet());
    assertEquals(registered, covered, "each registered class needs a sample in this test");
  }

  @Test
  @DisplayName("every message type in the sealed protocols is registered with a unique id")
  void everyProtocolRecordIsRegistered() {
    Set<Class<?>> registered =
        Registrations.messages().stream().map(Registrations.Entry::type).collect(Collectors.toSet());
    Deque<Class<?>> todo =
        new ArrayDeque<>(
            List.of(
                WorkerProtocol.ToNode.class,
                WorkerProtocol.ToWorker.class,
                MemberProtocol.ToMember.class,
                NodeProtocol.ToPeer.class));
    while (!todo.isEmpty()) {
      Class<?> type = todo.pop();
      if (type.isSealed()) {
        todo.addAll(List.of(type.getPermittedSubclasses()));
      } else {
        assertTrue(registered.contains(type), type + " crosses the wire but is not registered");
      }
    }
    for (Class<?> type : registered) {
      assertTrue(
          WireMessage.class.isAssignableFrom(type) || type.getEnclosingClass() != null,
          type + " is registered but is no protocol type");
    }
    Set<Integer> ids =
        Registrations.messages().stream().map(Registrations.Entry::id).collect(Collectors.toSet());
    assertEquals(Registrations.messages().size(), ids.size(), "ids must be unique");
  }

  @Test
  @DisplayName("a small task message is at most 64 bytes, not Java serialization's hundreds")
  void smallMessagesAreSmall() throws Exception {
    Object message =
        new WorkerProtocol.RunTasks(
            3, List.of(WorkerProtocol.Task.single(123_456, "noop", ValueCodec.encode(Json.object().put("x", 12)))));
    byte[] bytes = serialization.findSerializerFor(message).toBinary(message);
    assertTrue(bytes.length <= 64, "RunTasks of one task took " + bytes.length + " bytes");
  }

  @Test
  @DisplayName("a result part of bytes near the part size crosses whole, raw, within one message")
  void largeBytesCrossRaw() throws Exception {
    TestProbe<WorkerProtocol.ToWorker> worker = kit.createTestProbe();
    byte[] part = new byte[tandem.protocol.Parts.maxBytes(2_000_000)];
    new java.util.Random(1).nextBytes(part);
    Object message = new WorkerProtocol.ResultPart(worker.ref(), 1, part);
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] bytes = serializer.toBinary(message);
    assertTrue(bytes.length <= 2_000_000, bytes.length + " bytes");
    assertTrue(bytes.length < part.length + 200, "raw, not base64: " + bytes.length);
    assertEquals(message, serializer.fromBinary(bytes, Object.class));
  }

  @Test
  @DisplayName("a log tail of 1,000 lines and 256 KB, in three-byte characters, fits one message")
  void fullLogTailFitsOneMessage() throws Exception {
    String line = "\u20ac".repeat(262_144 / 3 / 1000); // 87 euro signs, 261 bytes
    List<String> lines = java.util.Collections.nCopies(1000, line);
    Object message = new MemberProtocol.LogTail("pekko://tandem@127.0.0.1:2552", 4242, List.copyOf(lines), 5000, 4000);
    Serializer serializer = serialization.findSerializerFor(message);
    byte[] bytes = serializer.toBinary(message);
    assertTrue(bytes.length < 300_000, bytes.length + " bytes");
    assertEquals(message, serializer.fromBinary(bytes, Object.class));
  }

  @Test
  @DisplayName("a byte array that declares more bytes than the message has is refused")
  void refusesHugeDeclaredByteArrays() throws Exception {
    Serializer serializer = serialization.serializerFor(WorkerProtocol.TaskPart.class);
    byte[] good = serializer.toBinary(new WorkerProtocol.TaskPart(1, 2, new byte[] {9, 8, 7}));
    // Kryo writes a record's components by name, so the array comes first: its length (3) and
    // bytes, swapped for a length of 2^31 - 1 and nothing after.
    int at = 0;
    while (!(good[at] == 3 && good[at + 1] == 9 && good[at + 2] == 8 && good[at + 3] == 7)) {
      at++;
    }
    byte[] rogue = java.util.Arrays.copyOf(good, at + 5);
    byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    System.arraycopy(huge, 0, rogue, at, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(rogue, Object.class));
    assertTrue(e.getMessage().contains("declares 2147483647 bytes"), e.getMessage());
  }

  @Test
  @DisplayName("garbage, unregistered class ids and huge declared lengths are refused, not obeyed")
  void refusesRogueBytes() throws Exception {
    Serializer serializer = serialization.serializerFor(WorkerProtocol.Task.class);
    byte[][] rogue = {
      {1, 2, 3, 4, 5},
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
      // registered list class id (100 + 2) followed by a count of about 2^28 elements
      {(byte) 102, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f},
    };
    for (byte[] bytes : rogue) {
      assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(bytes, Object.class));
    }
  }

  @Test
  @DisplayName("a string that declares more bytes than the message has is refused before anything is allocated")
  void refusesHugeDeclaredStrings() throws Exception {
    Serializer serializer = serialization.serializerFor(WorkerProtocol.Halt.class);
    byte[] good = serializer.toBinary(new WorkerProtocol.Halt("abc"));
    // The message is the class id, then the string's varint length (3) and its bytes: swap the
    // length for 2^31 - 1.
    byte[] rogue = new byte[good.length - 4 + 5];
    int at = good.length - 4;
    System.arraycopy(good, 0, rogue, 0, at);
    byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
    System.arraycopy(huge, 0, rogue, at, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(rogue, Object.class));
    assertTrue(e.getMessage().contains("declares 2147483647 bytes"), e.getMessage());
  }
}
