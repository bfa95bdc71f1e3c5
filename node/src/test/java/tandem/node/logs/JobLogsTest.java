package tandem.node.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.protocol.TaskLog;

class JobLogsTest {

  @Test
  void aChunksPiecesGoUnderTheirElementsIndexInTheMap() {
    JobLogs logs = new JobLogs(10_000, 100_000);
    logs.add(1, new TaskLog(0, List.of(new TaskLog.Piece(0, "first\n"), new TaskLog.Piece(2, "third\n"))), 100);
    var texts = logs.find(1).read(0, null).texts();
    assertEquals(100, texts.get(0).element());
    assertEquals(102, texts.get(1).element());
  }

  @Test
  void whatAWorkerDroppedCountsAsDroppedHere() {
    JobLogs logs = new JobLogs(10_000, 100_000);
    logs.add(1, new TaskLog(0, List.of(new TaskLog.Piece(0, "start\n"))), -1);
    logs.add(1, new TaskLog(5000, List.of(new TaskLog.Piece(0, "end\n"))), -1);
    LogTail.Slice all = logs.find(1).read(0, null);
    assertEquals("end\n", all.texts().get(0).text());
    assertEquals(5006, all.skipped());
    assertEquals(5010, all.next());
  }

  @Test
  void theNodesTotalDropsTheLogsThatBeganFirst() {
    JobLogs logs = new JobLogs(10_000, 25_000);
    for (long seq = 1; seq <= 5; seq++) {
      logs.tail(seq).write(-1, "x".repeat(9_000));
    }
    assertTrue(logs.held() <= 25_000, "held " + logs.held());
    assertNull(logs.find(1));
    assertEquals(9_000, logs.find(5).read(0, null).texts().get(0).text().length());
    logs.forget(5);
    assertNull(logs.find(5));
  }
}
