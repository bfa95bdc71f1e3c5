package tandem.node.worker;

import org.slf4j.Logger;
import tandem.node.logs.JobLogger;
import tandem.node.logs.LogTail;
import tandem.node.logs.TaskOutput;
import tandem.protocol.TaskLog;

import tandem.protocol.ChunkForm;
import tandem.node.Reduce;
import java.util.Iterator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import tandem.node.Errors;
import tandem.protocol.api.Json;
import tandem.node.OutOfMemory;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.Parts;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.IoContext;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/** Runs one CPU task on the calling thread and turns whatever happens into a {@link TaskResult}. */
public final class TaskRunner {
  private final JobCatalog catalog;
  private final long maxResultBytes;
  private final IoContext io;
  /** The most a task keeps of what it writes until it is sent (tandem.jobs.logs.max-bytes-per-job). */
  private final long logBytes;

  /**
   * @param maxResultBytes the largest result sent back (tandem.wire.max-payload-bytes)
   * @param io what an I/O job sent here with {@code --on processes} gets; it then holds this
   *     thread while it waits, which is the point of the experiment
   */
  public TaskRunner(JobCatalog catalog, long maxResultBytes, IoContext io) {
    this(catalog, maxResultBytes, io, 64 * 1024);
  }

  /** @param logBytes the most a task keeps of what it writes until it is sent */
  public TaskRunner(JobCatalog catalog, long maxResultBytes, IoContext io, long logBytes) {
    this.catalog = catalog;
    this.maxResultBytes = maxResultBytes;
    this.io = io;
    this.logBytes = logBytes;
  }

  public long logBytes() {
    return logBytes;
  }

  /**
   * Runs a chunk's elements in order (a range's made one by one here, see {@link ChunkForm}): each
   * element's outcome, or with a fold the results that succeeded folded into one partial and the
   * failures by position. One failing element does not stop the others.
   */
  private JsonNode runChunk(Job job, Task task, TaskOutput.Capture output, Logger log) throws InterruptedException {
    JsonNode chunk = ValueCodec.decode(task.params());
    String foldName = ChunkForm.fold(chunk);
    Reduce.Fold fold = foldName == null ? null : new Reduce.Fold(Reduce.parse(foldName));
    ArrayNode outcomes = Json.NODES.arrayNode();
    long ok = 0;
    int i = 0;
    for (Iterator<ObjectNode> elements = ChunkForm.elements(chunk); elements.hasNext(); i++) {
      if (Thread.interrupted()) {
        throw new InterruptedException("cancelled");
      }
      output.element(i);
      try {
        JsonNode result = runOne(job, elements.next(), log);
        if (fold == null) {
          outcomes.addObject().set("ok", result);
        } else {
          fold.add(result);
          ok++;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception | StackOverflowError e) {
        if (fold == null) {
          outcomes.addObject().put("error", Errors.describe(e));
        } else {
          outcomes.addArray().add(i).add(Errors.describe(e));
        }
      }
    }
    if (fold == null) {
      return outcomes;
    }
    ObjectNode partial = Json.object();
    partial.set(ChunkForm.FOLD, fold.value());
    partial.put("ok", ok);
    partial.set("errors", outcomes);
    return partial;
  }

  private JsonNode runOne(Job job, ObjectNode params, Logger log) throws Exception {
    JobInput input = JobInput.trusted(params, log); // one object per element: a map may have millions
    if (job instanceof CpuJob cpu) {
      return cpu.compute(input);
    }
    try {
      return ((IoJob) job).start(input, io).toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  public TaskResult run(Task task) {
    return run(task, new LogTail(logBytes));
  }

  /**
   * Runs {@code task} with what it writes (its logger's lines, what it prints on this thread)
   * going to {@code output}; what is there when it ends goes with its result.
   */
  public TaskResult run(Task task, LogTail output) {
    TaskResult result;
    try (TaskOutput.Capture capture = TaskOutput.begin(output, 0)) {
      result = runCaptured(task, capture);
    }
    TaskLog log = output.drain();
    return log.isEmpty() ? result : result.withLog(log.encode());
  }

  private TaskResult runCaptured(Task task, TaskOutput.Capture output) {
    String thread = Thread.currentThread().getName();
    long start = System.nanoTime();
    try {
      Optional<Job> job = catalog.find(task.job());
      if (job.isEmpty() || (job.get() instanceof IoJob && io == null)) {
        return TaskResult.failed(task.taskId(), "no job named '" + task.job() + "' can run here", thread, 0);
      }
      Logger log = new JobLogger(task.job(), output);
      JsonNode result = task.chunk() ? runChunk(job.get(), task, output, log)
          : runOne(job.get(), (ObjectNode) ValueCodec.decode(task.params()), log);
      // Counted before anything is written: a result far over the cap (a 100 MB text in a 512 MB
      // worker) fails here without a second copy of it ever being made, and the worker serves on.
      long size = ValueCodec.size(result);
      long micros = (System.nanoTime() - start) / 1000;
      if (size > maxResultBytes) {
        return TaskResult.failed(task.taskId(), Parts.overCapReason("the result", size, maxResultBytes), thread, micros);
      }
      return TaskResult.succeeded(task.taskId(), ValueCodec.encode(result), thread, micros);
    } catch (InterruptedException e) {
      return TaskResult.failed(task.taskId(), "cancelled", thread, (System.nanoTime() - start) / 1000);
    } catch (OutOfMemoryError e) {
      // Reached only in a JVM without -XX:+ExitOnOutOfMemoryError (a worker started by hand with
      // its own options): the job's garbage is freed by now, so say so, and serve on.
      return TaskResult.failed(task.taskId(), OutOfMemory.reason(Runtime.getRuntime().maxMemory()), thread,
          (System.nanoTime() - start) / 1000);
    } catch (Exception | StackOverflowError e) {
      // The job's own failure: report it and keep the worker serving.
      return TaskResult.failed(task.taskId(), Errors.describe(e), thread, (System.nanoTime() - start) / 1000);
    }
  }
}
