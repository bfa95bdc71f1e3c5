package tandem.node.owner;

import tandem.node.logs.JobLogs;
import tandem.protocol.TaskLog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tandem.node.ResultValue;
import tandem.node.io.IoRunner;
import tandem.node.scheduler.TaskScheduler;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.api.JobState;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.JobKind;

/**
 * The single jobs of this node, each submitted alone or a step of a pipeline: sends each where its
 * options say (the I/O runner, the node's threads, or the queue for workers), stops it there, and
 * records what becomes of it: running, succeeded, failed, or started again (after its own code
 * failed, with {@code --retry-on-error}; after its worker was lost) up to its retries. A plain class
 * the JobManager owns and calls from its messages, not an actor of its own, so an outcome costs no
 * extra hop; it hands every job that is final back to the JobManager ({@code finish}). Not
 * thread-safe.
 */
final class SingleJobs {
  /** The JobManager's, for its log. */
  private final ActorContext<JobManager.Command> context;
  private final JobTable jobs;
  private final JobIds ids;
  /** The job of this name in the catalog, for a job started again. */
  private final Function<String, Job> known;
  private final LossBudget lossBudget;
  private final ActorRef<IoRunner.Command> io;
  private final ActorRef<IoRunner.Finished> ioReplies;
  private final ActorRef<TaskScheduler.Command> scheduler;
  private final ActorRef<TaskScheduler.Event> taskEvents;
  /** What the JobManager does with a job once it is final. */
  private final Consumer<JobRecord> finish;
  /** What the JobManager does when a job queued for workers starts running in one (a step's pipeline hears). */
  private final Consumer<JobRecord> started;
  /** What each job wrote, kept with it. */
  private final JobLogs logs;
  /** How many workers each single job still unfinished ran out of memory, by its seq; none: absent. */
  private final Map<Long, Integer> memoryLosses = new HashMap<>();
  /** While {@link #holdTasks} holds: tasks for workers and for the node's threads not yet sent; else null. */
  private List<Task> held;
  private List<Task> heldForThreads;
  private List<IoRunner.Run> heldIo;

  /**
   * @param ioReplies where the I/O runner answers, adapted into the JobManager's messages
   * @param taskEvents where the scheduler tells of this node's tasks, adapted likewise
   */
  SingleJobs(ActorContext<JobManager.Command> context, JobTable jobs, JobIds ids, Function<String, Job> known,
      LossBudget lossBudget, ActorRef<IoRunner.Command> io, ActorRef<IoRunner.Finished> ioReplies,
      ActorRef<TaskScheduler.Command> scheduler, ActorRef<TaskScheduler.Event> taskEvents,
      Consumer<JobRecord> finish, Consumer<JobRecord> started) {
    this.context = context;
    this.jobs = jobs;
    this.ids = ids;
    this.known = known;
    this.lossBudget = lossBudget;
    this.io = io;
    this.ioReplies = ioReplies;
    this.scheduler = scheduler;
    this.taskEvents = taskEvents;
    this.finish = finish;
    this.started = started;
    this.logs = JobLogs.get(context.getSystem());
  }

  /**
   * Starts a checked job: an I/O job on the I/O runner at once, a CPU job into the queue for
   * workers, or where {@code on} says.
   *
   * @param parent the pipeline it is a step of, or 0
   */
  JobRecord start(Job job, ObjectNode params, JobInput input, long parent, JobOptions options) {
    JobRecord queued = ids.queued(job.name(), job.kind(), params, System.nanoTime()).withParent(parent).withOptions(options);
    return launch(job, queued, input);
  }

  /**
   * Sends a queued job where its options say (the I/O runner, the node's threads, or the queue for
   * workers) and records it.
   */
  private JobRecord launch(Job job, JobRecord queued, JobInput input) {
    Placement on = queued.options().on();
    boolean onNode = (job instanceof IoJob && on != Placement.PROCESSES) || on == Placement.THREADS;
    JobRecord record = onNode ? queued.running(ids.thisNode(), System.nanoTime()) : queued;
    if (job instanceof IoJob ioJob && on != Placement.PROCESSES) {
      IoRunner.Run run = new IoRunner.Run(record.seq(), ioJob, input, ioReplies);
      if (heldIo != null) {
        heldIo.add(run);
      } else {
        io.tell(run);
      }
    } else {
      run(List.of(Task.single(record.seq(), job.name(), ValueCodec.encode(record.params()))), on);
    }
    jobs.put(record);
    return record;
  }

  private void run(List<Task> tasks, Placement on) {
    if (held != null) {
      (on == Placement.THREADS ? heldForThreads : held).addAll(tasks);
    } else {
      scheduler.tell(TaskScheduler.Enqueue.of(tasks, on == Placement.THREADS, taskEvents));
    }
  }

  /**
   * From now until {@link #sendHeldTasks}, the tasks of the jobs started are kept, then handed to
   * the scheduler in one message (one each for workers and for the node's threads) rather than one
   * per job, and their I/O runs to the I/O runner in one: a job stream's message of many small jobs
   * costs the scheduler one message, a thousand first steps of a pipeline the I/O runner one.
   */
  void holdTasks() {
    held = new ArrayList<>();
    heldForThreads = new ArrayList<>();
    heldIo = new ArrayList<>();
  }

  void sendHeldTasks() {
    List<Task> forWorkers = held;
    List<Task> forThreads = heldForThreads;
    List<IoRunner.Run> forIo = heldIo;
    held = null;
    heldForThreads = null;
    heldIo = null;
    if (forIo != null && !forIo.isEmpty()) {
      io.tell(new IoRunner.RunAll(forIo));
    }
    if (forWorkers != null && !forWorkers.isEmpty()) {
      scheduler.tell(TaskScheduler.Enqueue.of(forWorkers, false, taskEvents));
    }
    if (forThreads != null && !forThreads.isEmpty()) {
      scheduler.tell(TaskScheduler.Enqueue.of(forThreads, true, taskEvents));
    }
  }

  /** Stops a single job where it is: out of the queue, or interrupted where it runs. */
  void stop(JobRecord job) {
    if (job.kind() == JobKind.IO && job.options().on() != Placement.PROCESSES) {
      io.tell(new IoRunner.Cancel(job.seq()));
    } else {
      stopTasks(List.of(job.seq()));
    }
  }

  /** Stops tasks wherever they are; nothing more is heard of them. */
  private void stopTasks(List<Long> taskIds) {
    scheduler.tell(new TaskScheduler.Cancel(taskIds));
  }

  /** Job {@code seq} is final: nothing of it is counted any more. */
  void forget(long seq) {
    memoryLosses.remove(seq);
  }

  /** What the TaskScheduler says about this node's single CPU jobs. */
  void onTaskEvent(TaskScheduler.Event event) {
    long now = System.nanoTime();
    if (event instanceof TaskScheduler.Started started) {
      onStarted(started, now);
    } else if (event instanceof TaskScheduler.Ended ended) {
      ended.results().forEach(result -> onTaskResult(result, now));
    } else if (event instanceof TaskScheduler.Lost lost) {
      onTasksLost(lost, now);
    } else if (event instanceof TaskScheduler.Logged logged) {
      keepLog(logged.taskId(), logged.log());
    }
  }

  /** What a single job's task wrote (a task's id is its job's seq), kept with the job while it is known. */
  private void keepLog(long seq, byte[] encoded) {
    if (encoded == null || jobs.get(seq).isEmpty()) {
      return;
    }
    try {
      logs.add(seq, TaskLog.decode(encoded), -1);
    } catch (TaskLog.MalformedLogException e) {
      logs.note(seq, -1, "the worker sent output this node cannot read (" + e.getMessage() + "); is it of the same Tandem version?");
    }
  }

  /** Tasks went to a worker: a single job is running now, a map's chunk counts one more attempt. */
  private void onStarted(TaskScheduler.Started started, long now) {
    RanOn where = new RanOn("worker", started.address(), started.pid(), null);
    for (long taskId : started.taskIds()) {
      jobs.get(taskId).filter(job -> job.state() == JobState.QUEUED).ifPresent(job -> {
        JobRecord running = job.running(where, now);
        jobs.put(running);
        this.started.accept(running);
      });
    }
  }

  /** A single job's task ended, in a worker or on the node's threads. */
  private void onTaskResult(TaskResult result, long now) {
    keepLog(result.taskId(), result.log());
    jobs.get(result.taskId()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      ResultValue value = null;
      String error = result.error();
      if (result.ok()) {
        try {
          value = ResultValue.decoded(result.result());
        } catch (ValueCodec.MalformedValueException e) { // a worker of another build, or a bug: this job fails, not the node
          error = "the worker sent a result this node cannot read (" + e.getMessage() + "); is it of the same Tandem version?";
        }
      }
      if (value != null) {
        finish.accept(job.succeeded(value, result.thread(), result.runMicros(), now));
      } else if (!retriedOnError(job, error)) {
        finish.accept(job.failed(failure(job, error), result.thread(), result.runMicros(), now));
      }
    });
  }

  /**
   * With {@code --retry-on-error}, a job whose own code failed is started again, up to its
   * retries; returns whether it was.
   */
  private boolean retriedOnError(JobRecord job, String error) {
    if (!job.options().retryOnError() || job.attempts() > job.options().retries() || "cancelled".equals(error)) {
      return false;
    }
    context.getLog().info("job {} failed on attempt {} and is retried (--retry-on-error): {}",
        job.id(), job.attempts(), error);
    logs.note(job.seq(), -1, "attempt " + job.attempts() + where(job) + " failed (" + error + "); starting attempt "
        + (job.attempts() + 1) + " (--retry-on-error)");
    launch(known.apply(job.job()), job.requeued(), JobInput.trusted(job.params()));
    return true;
  }

  /** Where the job's attempt ran, for its log: each attempt is noted there with its place. */
  private static String where(JobRecord job) {
    return job.ranOn() == null ? "" : " (" + job.ranOn().describe() + ")";
  }

  /** A job's reason for failing; after retries on error, how often it failed. */
  private static String failure(JobRecord job, String error) {
    return job.options().retryOnError() && job.attempts() > 1 ? "failed " + job.attempts() + " times; the last: " + error : error;
  }

  /** An I/O job ended on the I/O runner. */
  void onIoFinished(IoRunner.Finished outcome) {
    long now = System.nanoTime();
    jobs.get(outcome.seq()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      if (outcome.error() == null) {
        finish.accept(job.succeeded(outcome.result(), outcome.thread(), outcome.runMicros(), now));
      } else if (!retriedOnError(job, outcome.error())) {
        finish.accept(job.failed(failure(job, outcome.error()), outcome.thread(), outcome.runMicros(), now));
      }
    });
  }

  /**
   * A worker is gone with tasks of this node's: each runs again elsewhere or, out of retries,
   * fails. Those it ran when it ran out of memory are charged with it (see {@link LossBudget}).
   */
  private void onTasksLost(TaskScheduler.Lost lost, long now) {
    List<Task> again = new ArrayList<>();
    for (Task task : lost.tasks()) {
      boolean byMemory = lost.outOfMemory().contains(task.taskId());
      jobs.get(task.taskId()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
        int memory = byMemory ? memoryLosses.merge(job.seq(), 1, Integer::sum) : memoryLosses.getOrDefault(job.seq(), 0);
        String reason = lossBudget.verdict(job.attempts(), job.options().retries(), memory, byMemory, "this job");
        if (reason != null) {
          finish.accept(job.failed(reason, null, -1, now));
        } else {
          logs.note(job.seq(), -1, "attempt " + job.attempts() + where(job) + " was lost with its worker"
              + (byMemory ? ", which ran out of memory" : "") + "; starting attempt " + (job.attempts() + 1));
          jobs.put(job.requeued());
          again.add(task);
        }
      });
    }
    if (!again.isEmpty()) {
      scheduler.tell(new TaskScheduler.Enqueue(again, false, true, taskEvents));
    }
  }
}
