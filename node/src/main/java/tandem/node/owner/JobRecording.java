package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import tandem.node.journal.JobJournal;
import tandem.node.journal.JobStore;
import tandem.node.journal.Submission;
import tandem.protocol.ValueCodec;
import tandem.protocol.api.Json;

/**
 * What the JobManager tells the journal, if the node has one: each job a user submitted (not a
 * pipeline's steps, which its pipeline makes again) as it is accepted, with its submission as it
 * can be run again, and as it ends. The rows are made on the journal's writer thread.
 */
final class JobRecording {
  private final Optional<JobJournal> journal;
  /** This node as the journal names owners: its address and incarnation, so a restarted node is a new owner. */
  private final String owner;

  JobRecording(Optional<JobJournal> journal, String owner) {
    this.journal = journal;
    this.owner = owner;
  }

  boolean on() {
    return journal.isPresent();
  }

  String owner() {
    return owner;
  }

  /**
   * The unfinished jobs the journal says this node owns: none for a node just started (its owner
   * name is new), and those its JobManager had when it is started again by its supervisor.
   */
  CompletableFuture<java.util.List<JobStore.Row>> ownUnfinished() {
    return journal.map(j -> j.unfinishedOf(owner)).orElse(CompletableFuture.completedFuture(java.util.List.of()));
  }

  /** Why the node takes no job now (its journal cannot be written), or null. */
  String refusal() {
    return journal.map(JobJournal::refusal).orElse(null);
  }

  /** Completes once {@code job}, accepted from {@code submission}, is recorded (at once without a journal). */
  CompletableFuture<Void> accepted(JobRecord job, Object submission) {
    if (journal.isEmpty() || job.parent() != 0) {
      return CompletableFuture.completedFuture(null);
    }
    long maxBytes = journal.get().settings().maxSubmissionBytes();
    return journal.get().accepted(job.id(), () -> {
      String why = Submission.notReplayable(submission);
      byte[] bytes = null;
      if (why == null) {
        ObjectNode tree = Submission.of(submission);
        long size = ValueCodec.size(tree);
        if (size > maxBytes) {
          why = "its submission is " + size + " bytes, over tandem.journal.max-submission-bytes (" + maxBytes
              + "), so it was not kept to run again; submit it again";
        } else {
          bytes = ValueCodec.encode(tree);
        }
      }
      return new JobStore.Accepted(job.id(), owner, job.job(), job.state().label(), bytes, why, job.submittedAtMillis());
    });
  }

  /** Job {@code id}, taken over from the journal, could not run again: it ends failed there, saying why. */
  void failedUnrun(String id, String job, String reason) {
    journal.ifPresent(j -> j.finished(() -> {
      ObjectNode json = Json.object().put("id", id).put("job", job).put("state", "failed").put("error", reason)
          .put("owner", owner);
      return new JobStore.Finished(id, owner, "failed", Json.write(json), null, System.currentTimeMillis());
    }));
  }

  /**
   * Where map {@code map} records its settled chunks; {@code takeover} when this run takes it over
   * from the journal. A map whose results stream to their reader, or whose inputs are uploaded,
   * runs from its start after a takeover: nothing is recorded for it.
   */
  MapJournal forMap(JobRecord map, boolean takeover) {
    MapView view = map.map();
    if (journal.isEmpty() || map.parent() != 0 || view == null || view.streamed() || view.receiving()) {
      return MapJournal.NONE;
    }
    return new MapJournal(journal.get(), map.id(), takeover);
  }

  /**
   * Records {@code job}'s end (a pipeline's steps are not recorded); with its acceptance, as one row,
   * if that is not written yet.
   */
  void finished(JobRecord job) {
    if (journal.isEmpty() || job.parent() != 0) {
      return;
    }
    long maxBytes = journal.get().settings().maxResultBytes();
    journal.get().ended(job.id(), () -> {
      ObjectNode json = JobJson.of(job, System.nanoTime());
      String text = Json.write(json);
      if (text.length() > maxBytes) {
        json.remove("result");
        json.put("resultNotKept", "the result was larger than tandem.journal.max-result-bytes (" + maxBytes
            + "); its owner keeps it while it runs");
        text = Json.write(json);
      }
      byte[] bytes = job.bytes() != null && job.bytes().length <= maxBytes ? job.bytes() : null;
      return new JobStore.Ended(new JobStore.Finished(job.id(), owner, job.state().label(), text, bytes,
          System.currentTimeMillis()), job.job(), job.submittedAtMillis());
    });
  }
}
