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
 * inputs ({@link Pipelines}), owned by the actor that runs it. Not thread-safe.
 */
final class MapTally {
  private final MapOutcomes outcomes;
  private final List<JobProtocol.MapResults> followers = new ArrayList<>();
  private JobRecord record;

  MapTally(JobRecord record, boolean failFast) {
    this.record = record;
    this.outcomes = new MapOutcomes(record.map().total(), failFast, record.map().reduce());
  }

  JobRecord record() {
    return record;
  }

  /** The record changed outside the tally (e.g. it started running). */
  void update(JobRecord changed) {
    record = changed;
  }

  int unsettled() {
    return outcomes.unsettled();
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
      return Optional.of(record.concluded(outcomes.folds() ? null : outcomes.resultsJson(),
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
      value = view.reduce() == null ? outcomes.resultsJson()
          : outcomes.folds() ? outcomes.foldedJson() : Json.write(view.reduce().apply(outcomes.succeeded()));
    } catch (BadInputException e) {
      value = null;
      reason = e.getMessage();
    }
    return Optional.of(record.concluded(value, reason, now));
  }

  /** A client asks for the elements that settled after the first {@code after}; answered when there are some. */
  void follow(JobProtocol.MapResults ask) {
    if (record.state().isFinal()) {
      ask.replyTo().tell(new JobProtocol.MapEntries(Optional.of(record), "[]", ask.after()));
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

  /** The map ended as {@code ended}: the clients still waiting hear so (its job then holds every result). */
  void ended(JobRecord ended) {
    record = ended;
    followers.forEach(ask -> ask.replyTo().tell(new JobProtocol.MapEntries(Optional.of(ended), "[]", ask.after())));
    followers.clear();
  }
}
