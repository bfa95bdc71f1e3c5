package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import tandem.node.NodeSettings;
import tandem.node.Reduce;

/**
 * What a node takes, counted in what it holds in memory rather than in the size of what it is
 * sent: a job is one; a map that keeps its results, all of its elements; a map whose results fold,
 * its window of chunks out; a map that streams its results, the unread results it may keep. Pure:
 * the JobManager asks, and decides.
 */
final class Admission {
  private final int maxQueued;
  private final int maxMapElements;

  Admission(NodeSettings settings) {
    this.maxQueued = settings.maxQueued();
    this.maxMapElements = settings.maxMapElements();
  }

  /** The most results of one map its node keeps: beyond, a range map streams them (see {@link MapView#streamed}). */
  int keeps() {
    return Math.min(maxMapElements, maxQueued);
  }

  /**
   * The most unread results a map that streams them holds before it sends no more chunks: a tenth of
   * what a node holds, so one map whose reader is slow leaves room for others.
   */
  int streamWindow() {
    return Math.max(1, Math.min(keeps(), maxQueued / 10));
  }

  static boolean folds(Reduce reduce) {
    return reduce != null && reduce.folds();
  }

  /**
   * Whether a map streams its results, when they do not fold: a range larger than its node keeps,
   * or inputs that are uploaded (of any length).
   */
  boolean streams(List<ObjectNode> elements, Reduce reduce) {
    return !folds(reduce) && (elements instanceof RangeElements && elements.size() > keeps()
        || elements instanceof UploadedElements);
  }

  /** What a map of these elements would hold on its node, with {@code workers} taking its chunks of {@code chunk} (0: sized as they go). */
  int units(List<ObjectNode> elements, Reduce reduce, int workers, int chunk) {
    long unsettled = elements instanceof UploadedElements ? Integer.MAX_VALUE : elements.size();
    return (int) held(unsettled, reduce, streams(elements, reduce), MapRun.window(workers, chunk));
  }

  /** What a running map holds now (one still receiving its inputs, what it may come to hold). */
  long held(MapView view, int workers) {
    long unsettled = view.receiving() ? Integer.MAX_VALUE : view.total() - view.done() - view.failed();
    return held(unsettled, view.reduce(), view.streamed(), MapRun.window(workers, view.chunk()));
  }

  /**
   * All of its {@code unsettled} elements while it keeps every result; when its results fold, only
   * its window of chunks out (counted one each: a range's chunk is its bounds, and listed inputs
   * were counted at the edge); when it streams them, the unread results it may keep.
   */
  private long held(long unsettled, Reduce reduce, boolean streams, int window) {
    if (streams) {
      return Math.min(unsettled, streamWindow());
    }
    return folds(reduce) ? Math.min(unsettled, window) : unsettled;
  }

  /**
   * Why a submission that holds {@code units} cannot be taken beside the {@code held} the node holds
   * now, or null when it can: more than the node ever holds is a usage mistake (refused), more than
   * it has room for now is "try again later" (busy).
   */
  JobProtocol.SubmitReply refusal(int units, long held) {
    if (units > maxQueued) {
      return new JobProtocol.Rejected("this holds " + units + " elements at once, more than this node ever holds ("
          + maxQueued + ", tandem.jobs.max-queued): a map whose results fold (--reduce sum, min, max or count)"
          + " holds only its chunks in flight; otherwise split it into several, or raise the setting");
    }
    if (held + units > maxQueued) {
      return new JobProtocol.Busy("this node holds " + held + " unfinished jobs and elements, and takes at most "
          + maxQueued + " (tandem.jobs.max-queued); try again later or submit to another node");
    }
    return null;
  }
}
