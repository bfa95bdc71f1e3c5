package tandem.node;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An idle JVM whose heap grew gets one full collection from HeapReturn; none when it is off. */
class HeapReturnTest {
  private final ActorTestKit kit = ActorTestKit.create("HeapReturnTest");
  private static volatile List<byte[]> held;

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static Config config(String after) {
    return ConfigFactory.parseString("tandem.memory { return-idle-heap-after = " + after + ", return-idle-heap-above = 1 MiB }")
        .withFallback(ConfigFactory.defaultReference());
  }

  @Test
  void collectsOnceTheHeapGrewAndNothingAllocates() throws InterruptedException {
    long floor = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    kit.spawn(HeapReturn.create(config("200ms")), "heap-return");
    // A burst that grows the heap well beyond its floor, then let go of. The floor is whatever the
    // tests before left committed in this JVM: the burst goes on until the heap grew, bounded.
    List<byte[]> burst = new ArrayList<>();
    long most = Runtime.getRuntime().maxMemory() / 2;
    while (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() - floor < (16 << 20)
        && (long) burst.size() << 20 < most) {
      burst.add(new byte[1 << 20]);
    }
    assumeTrue(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() - floor >= (16 << 20),
        "the heap could not grow in this JVM");
    held = burst;
    held = null;
    burst = null;
    // No collector in this JVM runs a collection by itself while nothing allocates (G1's periodic
    // collection is off by default, the serial collector has none): only HeapReturn can.
    long before = collections();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (collections() == before && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(collections() > before, "no collection within 20 s of going idle");
  }

  @Test
  void offWhenTheIntervalIsZero() {
    assertNull(HeapReturn.create(config("0s")));
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
