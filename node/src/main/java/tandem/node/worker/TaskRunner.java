package tandem.node.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import tandem.node.Errors;
import tandem.node.Json;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.Parts;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/** Runs one CPU task on the calling thread and turns whatever happens into a {@link TaskResult}. */
public final class TaskRunner {
  private final JobCatalog catalog;
  private final long maxResultBytes;

  /** @param maxResultBytes the largest result sent back (tandem.wire.max-payload-bytes) */
  public TaskRunner(JobCatalog catalog, long maxResultBytes) {
    this.catalog = catalog;
    this.maxResultBytes = maxResultBytes;
  }

  /** Each element's outcome, in order: one failing element does not stop the others. */
  private static ArrayNode runChunk(CpuJob job, Task task) throws InterruptedException {
    ArrayNode outcomes = Json.NODES.arrayNode();
    for (JsonNode params : Json.read(task.params())) {
      if (Thread.interrupted()) {
        throw new InterruptedException("cancelled");
      }
      try {
        JsonNode result = job.compute(JobInput.trusted((ObjectNode) params));
        outcomes.addObject().set("ok", result);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception | StackOverflowError e) {
        outcomes.addObject().put("error", Errors.describe(e));
      }
    }
    return outcomes;
  }

  public TaskResult run(Task task) {
    String thread = Thread.currentThread().getName();
    long start = System.nanoTime();
    try {
      Optional<Job> job = catalog.find(task.job());
      if (job.isEmpty() || !(job.get() instanceof CpuJob cpu)) {
        return TaskResult.failed(
            task.taskId(), "this worker has no CPU job named '" + task.job() + "'", thread, 0);
      }
      JsonNode result = task.chunk() ? runChunk(cpu, task) : cpu.compute(JobInput.trusted(Json.readObject(task.params())));
      String json = Json.write(result);
      long micros = (System.nanoTime() - start) / 1000;
      long bytes = json.length() * 3L <= maxResultBytes ? json.length() : Parts.utf8Bytes(json);
      if (bytes > maxResultBytes) {
        return TaskResult.failed(task.taskId(), Parts.overCap("the result", bytes, maxResultBytes), thread, micros);
      }
      return TaskResult.succeeded(task.taskId(), json, thread, micros);
    } catch (InterruptedException e) {
      return TaskResult.failed(task.taskId(), "cancelled", thread, (System.nanoTime() - start) / 1000);
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      // The job's own failure: report it and keep the worker serving.
      return TaskResult.failed(task.taskId(), Errors.describe(e), thread, (System.nanoTime() - start) / 1000);
    }
  }
}
