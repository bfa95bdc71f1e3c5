package tandem.node.owner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/**
 * A map's record as its elements settle: their outcomes, its progress, the clients following it,
 * fail-fast and the reduce at the end. One per map ({@link MapRun}) and per pipeline over many
 * inputs ({@link PipelineRun}), owned by the actor that runs it. Not thread-safe.
 */
final class MapTally {
  private final MapOutcomes outcomes;
  private final List<JobProtocol.MapResults> followers = new ArrayList<>();
  private JobRecord record;

  MapTally(JobRecord record, boolean failFast) {
    this.record = record;
    this.outcomes = new MapOutcomes(record.map().total(), record.map().receiving(), failFast, record.map().reduce(),
        record.map().streamed());
  }

  JobRecord record() {
    return record;
  }

  /** The record changed outside the tally (e.g. it started running). */
  void update(JobRecord changed) {
    record = changed;
  }

  /** Results settled that nobody has read yet (a map that streams them). */
  int unread() {
    return outcomes.unread();
  }

  /** Whether the map holds as many unread results as it may (see {@link MapOutcomes#full}). */
  boolean waitsForReader(int most) {
    return outcomes.full(most);
  }

  int unsettled() {
    return outcomes.unsettled();
  }

  /** {@code more} elements of an upload came: the map has that many more. */
  void received(int more) {
    outcomes.received(more);
    record = record.withMap(record.map().received(more));
  }

  /**
   * The upload of the map's inputs ended: no more come.
   *
   * @return the map's final record when every element had settled already
   */
  Optional<JobRecord> allReceived(long now) {
    outcomes.closed();
    record = record.withMap(record.map().allReceived());
    return progressed(0, List.of(), now);
  }

  /**
   * A chunk came back: its elements' outcomes, or one error for all of them.
   *
   * @return the map's final record when this ended it
   */
  Optional<JobRecord> chunkDone(Chunk chunk, byte[] encoded, String error, long now) {
    List<MapView.ElementError> failed = outcomes.record(chunk, encoded, error);
    return progressed(chunk.count() - failed.size(), failed, now);
  }

  /**
   * One element settled, with more for its entry ({@code stepsJson}: a pipeline's steps).
   *
   * @return the map's final record when this ended it
   */
  Optional<JobRecord> elementSettled(int index, String result, String error, Supplier<String> stepsJson, long now) {
    outcomes.recordOne(index, result, error, stepsJson);
    List<MapView.ElementError> failed = error == null ? List.of() : List.of(new MapView.ElementError(index, error));
    return progressed(1 - failed.size(), failed, now);
  }

  /**
   * Elements settled: updates the progress, tells the followers, and concludes the map at the
   * first failure with fail-fast or once all have settled.
   */
  private Optional<JobRecord> progressed(int newlyDone, List<MapView.ElementError> failed, long now) {
    record = record.withMap(record.map().progressed(newlyDone, failed));
    tellFollowers();
    if (outcomes.failFast() && !failed.isEmpty() && !outcomes.complete()) {
      MapView.ElementError first = failed.get(0);
      return Optional.of(record.concluded(outcomes.folds() || record.map().streamed() ? null : outcomes.resultsJson(),
          "stopped at the first failure (--fail-fast): element " + first.index() + ": " + first.error(), now));
    }
    if (!outcomes.complete()) {
      return Optional.empty();
    }
    MapView view = record.map();
    String reason = view.failed() == 0 ? null : view.failed() + " of " + view.total()
        + " elements failed; the first: element " + view.errors().get(0).index() + ": " + view.errors().get(0).error();
    String value;
    try {
      value = view.streamed() ? null : view.reduce() == null ? outcomes.resultsJson()
          : outcomes.folds() ? outcomes.foldedJson() : Json.write(view.reduce().apply(outcomes.succeeded()));
    } catch (BadInputException e) {
      value = null;
      reason = e.getMessage();
    }
    return Optional.of(record.concluded(value, reason, now));
  }

  /** A client asks for the elements that settled after the first {@code after}; answered when there are some. */
  void follow(JobProtocol.MapResults ask) {
    outcomes.readTo(ask.after());
    if (record.state().isFinal()) {
      finalPage(ask);
    } else if (outcomes.settled() <= ask.after()) {
      followers.add(ask);
    } else {
      ask.replyTo().tell(new JobProtocol.MapEntries(Optional.of(record), outcomes.entriesAfter(ask.after()), outcomes.settled()));
    }
  }

  private void tellFollowers() {
    List<JobProtocol.MapResults> waiting = new ArrayList<>(followers);
    followers.clear();
    waiting.forEach(this::follow);
  }

  /**
   * The map ended as {@code ended}: the clients still waiting hear so. Its job then holds every
   * result, or for a map that streams them, the last page holds those not read yet.
   */
  void ended(JobRecord ended) {
    record = ended;
    followers.forEach(this::finalPage);
    followers.clear();
  }

  private void finalPage(JobProtocol.MapResults ask) {
    boolean rest = record.map().streamed() && outcomes.unread() > 0;
    ask.replyTo().tell(new JobProtocol.MapEntries(Optional.of(record), rest ? outcomes.entriesAfter(ask.after()) : "[]",
        rest ? outcomes.settled() : ask.after()));
  }
}
