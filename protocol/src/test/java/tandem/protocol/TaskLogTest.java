package tandem.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskLogTest {

  @Test
  void roundTripsPiecesAndTheDroppedCount() throws Exception {
    TaskLog log = new TaskLog(70_000, List.of(new TaskLog.Piece(0, "first\n"), new TaskLog.Piece(5, "ünïcode <script>\n")));
    assertEquals(log, TaskLog.decode(log.encode()));
    assertEquals(new TaskLog(0, List.of()), TaskLog.decode(new TaskLog(0, List.of()).encode()));
  }

  @Test
  void refusesBytesThatAreNoTaskLog() {
    byte[] good = new TaskLog(0, List.of(new TaskLog.Piece(1, "hello"))).encode();
    assertThrows(TaskLog.MalformedLogException.class, () -> TaskLog.decode(Arrays.copyOf(good, good.length - 2)));
    assertThrows(TaskLog.MalformedLogException.class, () -> TaskLog.decode(Arrays.copyOf(good, good.length + 1)));
    assertThrows(TaskLog.MalformedLogException.class, () -> TaskLog.decode(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 0}));
    assertThrows(TaskLog.MalformedLogException.class, () -> TaskLog.decode(new byte[3]));
  }
}
