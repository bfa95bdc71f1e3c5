package tandem.node.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.protocol.job.JobKind;

class JobIdsTest {
  @Test
  @DisplayName("each job gets the next number in an id of this node's; ids of other nodes, or no ids, are unknown here")
  void givesAndReadsIds() {
    JobIds ids = new JobIds("pekko://tandem@127.0.0.1:2551");
    JobRecord first = ids.queued("square", JobKind.CPU, Json.object(), 0);
    JobRecord second = ids.queued("square", JobKind.CPU, Json.object(), 0);
    assertEquals(1, first.seq());
    assertEquals(2, second.seq());
    assertEquals(2, ids.seq(second.id()).getAsLong());
    String tag = first.id().substring(0, first.id().lastIndexOf('-'));
    assertTrue(ids.seq("other" + tag + "-1").isEmpty(), "another node's");
    assertTrue(ids.seq(tag + "-x").isEmpty());
    assertTrue(ids.seq("1").isEmpty());
    assertEquals("node", ids.thisNode().role());
  }
}
