package tandem.node.owner;

import tandem.node.Reduce;
import java.util.List;

/**
 * A map's progress as users see it; replaced, never changed.
 *
 * @param chunk elements per task sent to a worker
 * @param reduce how results are folded, or null for the list of results
 * @param errors the first failed elements, in the order they failed
 * @param streamed whether its results stream (read through its results, dropped once read) instead
 *     of being kept in its job: a map larger than its node keeps, or one whose inputs are uploaded
 * @param receiving whether its inputs are still being uploaded: {@code total} counts those received
 *     so far
 */
public record MapView(int total, int done, int failed, int chunk, Reduce reduce, List<ElementError> errors, boolean streamed,
    boolean receiving) {
  public MapView(int total, int done, int failed, int chunk, Reduce reduce, List<ElementError> errors) {
    this(total, done, failed, chunk, reduce, errors, false, false);
  }

  public MapView(int total, int done, int failed, int chunk, Reduce reduce, List<ElementError> errors, boolean streamed) {
    this(total, done, failed, chunk, reduce, errors, streamed, false);
  }

  /** {@code more} elements were uploaded. */
  MapView received(int more) {
    return new MapView(total + more, done, failed, chunk, reduce, errors, streamed, receiving);
  }

  /** The upload of its inputs ended: {@code total} is final. */
  MapView allReceived() {
    return new MapView(total, done, failed, chunk, reduce, errors, streamed, false);
  }

  /** How many failed elements a map's view lists. */
  public static final int MAX_ERRORS = 100;

  /** An element that failed, by its index in the input. */
  public record ElementError(int index, String error) {}

  MapView progressed(int newlyDone, List<ElementError> newErrors) {
    List<ElementError> kept = errors;
    if (!newErrors.isEmpty() && errors.size() < MAX_ERRORS) {
      var all = new java.util.ArrayList<>(errors);
      all.addAll(newErrors.subList(0, Math.min(newErrors.size(), MAX_ERRORS - errors.size())));
      kept = List.copyOf(all);
    }
    return new MapView(total, done + newlyDone, failed + newErrors.size(), chunk, reduce, kept, streamed, receiving);
  }
}
