package tandem.node.owner;

import tandem.protocol.api.JobState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import tandem.node.ResultValue;
import tandem.protocol.job.JobKind;

/**
 * Everything the owner knows about one job, as an immutable value: the JobManager replaces it on
 * every change, so a copy handed to the HTTP layer never changes under it.
 *
 * @param params as accepted (for a map, the parameters every element shares); never modified
 * @param result the result as JSON text (for a bytes result, its JSON view), or null
 * @param bytes the result when it is bytes, kept raw; else null
 * @param error a one-line reason for a job that did not succeed, or null
 * @param ranOn where it ran (or runs), or null while queued; for a map, where its first chunk ran
 * @param attempts how many times it was started
 * @param runMicros the run time measured where it ran, or -1 until it finished
 * @param map a map's progress, or null for a single job
 * @param parent the sequence number of the pipeline this job is a step of, or 0
 * @param pipeline a pipeline's steps, or null for any other job
 * @param options how it runs: placement, timeout, retries (resolved against the node's defaults)
 * @param recovered how often a node took it over from the journal after its owner left (0: never)
 */
public record JobRecord(
    long seq,
    String id,
    String job,
    JobKind kind,
    ObjectNode params,
    JobState state,
    String result,
    byte[] bytes,
    String error,
    String owner,
    RanOn ranOn,
    int attempts,
    long submittedAtMillis,
    long submittedNanos,
    long startedNanos,
    long finishedNanos,
    long runMicros,
    MapView map,
    long parent,
    PipelineView pipeline,
    JobOptions options,
    int recovered)
    implements NoSerializationVerificationNeeded {

  public static JobRecord queued(
      long seq, String id, String job, JobKind kind, ObjectNode params, String owner, long nanos) {
    return new JobRecord(
        seq, id, job, kind, params, JobState.QUEUED, null, null, null, owner, null, 0,
        System.currentTimeMillis(), nanos, 0, 0, -1, null, 0, null, JobOptions.DEFAULT, 0);
  }

  /** The same job, taken over from the journal for the {@code n}th time after its owner left. */
  public JobRecord recovered(int n) {
    return new JobRecord(
        seq, id, job, kind, params, state, result, bytes, error, owner, ranOn, attempts,
        submittedAtMillis, submittedNanos, startedNanos, finishedNanos, runMicros, map, parent, pipeline, options, n);
  }

  /** The same job, run with these options. */
  public JobRecord withOptions(JobOptions given) {
    return new JobRecord(
        seq, id, job, kind, params, state, result, bytes, error, owner, ranOn, attempts,
        submittedAtMillis, submittedNanos, startedNanos, finishedNanos, runMicros, map, parent, pipeline, given, recovered);
  }

  /** Ran out of time; a result that arrives later is ignored. */
  public JobRecord timedOut(String reason, long nanos) {
    return finished(JobState.TIMED_OUT, (ResultValue) null, reason, null, runMicros, nanos);
  }

  /** The same job as a step of pipeline {@code parentSeq}. */
  public JobRecord withParent(long parentSeq) {
    return new JobRecord(
        seq, id, job, kind, params, state, result, bytes, error, owner, ranOn, attempts,
        submittedAtMillis, submittedNanos, startedNanos, finishedNanos, runMicros, map, parentSeq, pipeline, options, recovered);
  }

  /** The same job with its pipeline's steps as they stand. */
  public JobRecord withPipeline(PipelineView view) {
    return new JobRecord(
        seq, id, job, kind, params, state, result, bytes, error, owner, ranOn, attempts,
        submittedAtMillis, submittedNanos, startedNanos, finishedNanos, runMicros, map, parent, view, options, recovered);
  }

  /** The same job as a map over elements. */
  public JobRecord withMap(MapView view) {
    return new JobRecord(
        seq, id, job, kind, params, state, result, bytes, error, owner, ranOn, attempts,
        submittedAtMillis, submittedNanos, startedNanos, finishedNanos, runMicros, view, parent, pipeline, options, recovered);
  }

  /** Handed to a worker or the I/O runner. */
  public JobRecord running(RanOn where, long nanos) {
    return new JobRecord(
        seq, id, job, kind, params, JobState.RUNNING, null, null, null, owner, where, attempts + 1,
        submittedAtMillis, submittedNanos, nanos, 0, -1, map, parent, pipeline, options, recovered);
  }

  /** Back in the queue after the worker running it was lost. */
  public JobRecord requeued() {
    return new JobRecord(
        seq, id, job, kind, params, JobState.QUEUED, null, null, null, owner, null, attempts,
        submittedAtMillis, submittedNanos, 0, 0, -1, map, parent, pipeline, options, recovered);
  }

  public JobRecord succeeded(String resultJson, String thread, long micros, long nanos) {
    return succeeded(ResultValue.json(resultJson), thread, micros, nanos);
  }

  public JobRecord succeeded(ResultValue value, String thread, long micros, long nanos) {
    return finished(JobState.SUCCEEDED, value, null, thread, micros, nanos);
  }

  public JobRecord failed(String reason, String thread, long micros, long nanos) {
    return finished(JobState.FAILED, (ResultValue) null, reason, thread, micros, nanos);
  }

  /**
   * A map whose every element, or a pipeline whose every step, has settled: failed when {@code
   * reason} says why, with the results either way; it ran from its start until now.
   */
  public JobRecord concluded(String resultJson, String reason, long nanos) {
    return concluded(resultJson == null ? null : ResultValue.json(resultJson), reason, nanos);
  }

  /** A pipeline's end, with its last step's result (which may be bytes). */
  public JobRecord concluded(ResultValue value, String reason, long nanos) {
    long micros = (nanos - (startedNanos == 0 ? nanos : startedNanos)) / 1000;
    return finished(reason == null ? JobState.SUCCEEDED : JobState.FAILED, value, reason, null, micros, nanos);
  }

  /** The result as kept: JSON text or bytes; null when there is none. */
  public ResultValue resultValue() {
    return result == null ? null : new ResultValue(result, bytes);
  }

  /** Stopped by a user; a result that arrives later is ignored. */
  public JobRecord cancelled(String reason, long nanos) {
    return finished(JobState.CANCELLED, (ResultValue) null, reason, null, runMicros, nanos);
  }

  private JobRecord finished(
      JobState end, ResultValue value, String reason, String thread, long micros, long nanos) {
    RanOn where = ranOn == null || thread == null ? ranOn : ranOn.withThread(thread);
    return new JobRecord(
        seq, id, job, kind, params, end, value == null ? null : value.json(), value == null ? null : value.bytes(), reason, owner, where, attempts,
        submittedAtMillis, submittedNanos, startedNanos == 0 ? nanos : startedNanos, nanos, micros, map, parent, pipeline, options, recovered);
  }

  /** Milliseconds from submission until it finished (or until now while it is not final). */
  public double totalMs(long nowNanos) {
    return ms((state.isFinal() ? finishedNanos : nowNanos) - submittedNanos);
  }

  /** Milliseconds it ran, as measured where it ran; null until it finished. */
  public Double runMs() {
    return runMicros < 0 ? null : runMicros / 1000.0;
  }

  /** Milliseconds it waited before running: the part of the total that was not the run. */
  public double queuedMs(long nowNanos) {
    Double run = runMs();
    if (run != null) {
      return Math.max(0, Math.round((totalMs(nowNanos) - run) * 1000) / 1000.0);
    }
    return ms((startedNanos == 0 ? nowNanos : startedNanos) - submittedNanos);
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 1000.0) / 1000.0;
  }
}
