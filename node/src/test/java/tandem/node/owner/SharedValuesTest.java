package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.node.NodeSettings;

/** The values many finished jobs repeat are held once, not once per job. */
class SharedValuesTest {
  @Test
  @DisplayName("jobs that ran on the same thread of the same worker share one RanOn, thread name included")
  void whereJobsRanIsShared() {
    RanOn worker = new RanOn("worker", "pekko://tandem@127.0.0.1:4000", 42, null);
    RanOn first = worker.withThread(new String("compute-1")); // as each result arrives: a new string
    RanOn second = worker.withThread(new String("compute-1"));
    assertSame(first, second);
    assertSame(first.thread(), second.thread());
    RanOn other = worker.withThread("compute-2");
    assertNotSame(first, other);
    assertEquals("compute-2", other.thread());
  }

  @Test
  @DisplayName("jobs submitted with the same options share their resolved options; different ones do not")
  void resolvedOptionsAreShared() {
    NodeSettings settings = NodeSettings.create(ConfigFactory.load().resolve());
    JobOptions a = JobOptions.DEFAULT.resolved(settings);
    JobOptions b = new JobOptions(Placement.BY_KIND, null, null, false).resolved(settings);
    assertSame(a, b);
    JobOptions timed = new JobOptions(Placement.BY_KIND, Duration.ofSeconds(5), null, false).resolved(settings);
    assertEquals(Duration.ofSeconds(5), timed.timeout());
    assertEquals(a.retries(), timed.retries());
  }
}
