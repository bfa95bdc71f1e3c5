package tandem.node.owner;

import tandem.protocol.api.JobState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.protocol.job.JobKind;

class JobTableTest {
  private static JobRecord job(long seq) {
    return JobRecord.queued(seq, "t-" + seq, "square", JobKind.CPU, Json.object(), "owner", System.nanoTime());
  }

  @Test
  @DisplayName("finished jobs beyond the limit are forgotten oldest first; running ones never")
  void forgetsOldFinishedJobs() {
    JobTable table = new JobTable(2);
    for (long i = 1; i <= 4; i++) {
      table.put(job(i));
    }
    table.put(job(1).running(new RanOn("worker", "a", 1, null), 1));
    for (long i = 2; i <= 4; i++) {
      table.put(job(i).succeeded("1", "t", 5, System.nanoTime()));
    }
    assertTrue(table.get(1).isPresent(), "a running job is kept");
    assertTrue(table.get(2).isEmpty(), "the oldest finished job is forgotten");
    assertEquals(3, table.newest(10).size());
    assertEquals(4, table.newest(1).get(0).seq());
    assertEquals(1, table.count(JobState.RUNNING));
  }

  @Test
  @DisplayName("a pipeline's finished steps are forgotten before any job a user submitted, so a pipeline of many steps does not push itself out")
  void forgetsStepsFirst() {
    JobTable table = new JobTable(3);
    table.put(job(1).succeeded("1", "t", 5, System.nanoTime())); // a user's job, finished first
    table.put(job(2)); // a pipeline over many inputs
    for (long i = 3; i <= 12; i++) {
      table.put(job(i).withParent(2));
      table.put(job(i).withParent(2).succeeded("1", "t", 5, System.nanoTime()));
    }
    table.put(job(2).succeeded("10", "t", 5, System.nanoTime()));
    assertTrue(table.get(1).isPresent(), "the user's job outlived ten steps");
    assertTrue(table.get(2).isPresent(), "so did the pipeline");
    assertTrue(table.get(3).isEmpty() && table.get(11).isEmpty(), "its older steps were forgotten");
    assertTrue(table.get(12).isPresent(), "the newest step is kept while there is room");
    table.put(job(13).succeeded("1", "t", 5, System.nanoTime()));
    assertTrue(table.get(12).isEmpty(), "steps go first again");
    table.put(job(14).succeeded("1", "t", 5, System.nanoTime()));
    assertTrue(table.get(1).isEmpty() && table.get(2).isPresent(), "then the jobs that finished first");
  }

  @Test
  @DisplayName("timings split the total into queued and run time")
  void timings() {
    long t0 = System.nanoTime();
    JobRecord done = JobRecord.queued(1, "t-1", "square", JobKind.CPU, Json.object(), "o", t0)
        .running(new RanOn("worker", "a", 1, null), t0 + 1_000_000)
        .succeeded("1", "compute-1", 2_000, t0 + 5_000_000);
    assertEquals(5.0, done.totalMs(0));
    assertEquals(2.0, done.runMs());
    assertEquals(3.0, done.queuedMs(0));
    assertEquals("compute-1", done.ranOn().thread());
    assertEquals(1, done.attempts());
  }
}
