package tandem.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TaskTimelineTest {

  @Test
  void aReaderThatFellBehindGetsTheNewestAndLearnsHowManyItMissed() {
    TaskTimeline timeline = new TaskTimeline();
    for (int i = 0; i < 10; i++) {
      timeline.ended("square", 1, "t", 5, true);
    }
    TaskTimeline.Batch first = timeline.after(0, 4);
    assertEquals(4, first.entries().size());
    assertEquals(7, first.entries().get(0).seq());
    assertEquals(6, first.skipped());
    assertEquals(0, timeline.after(10, 4).skipped());
    for (int i = 0; i < TaskTimeline.CAPACITY + 100; i++) {
      timeline.ended("square", 1, "t", 5, true);
    }
    TaskTimeline.Batch behind = timeline.after(10, Integer.MAX_VALUE);
    assertEquals(TaskTimeline.CAPACITY, behind.entries().size(), "the ring holds the last CAPACITY");
    assertEquals(100, behind.skipped());
    assertEquals(timeline.count(), behind.entries().get(behind.entries().size() - 1).seq());
  }
}
