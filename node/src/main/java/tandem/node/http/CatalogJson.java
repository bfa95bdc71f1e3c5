package tandem.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tandem.protocol.api.Json;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.job.BlockingJob;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** The jobs a node can run, with their parameters, as {@code GET /catalog} shows them. */
final class CatalogJson {
  private CatalogJson() {}

  /** @param blockingThreads where blocking jobs run on this node, in words ({@code BlockingThreads}) */
  static ArrayNode of(JobCatalog catalog, String blockingThreads) {
    ArrayNode out = Json.NODES.arrayNode();
    for (Job job : catalog.all()) {
      ObjectNode row = out.addObject();
      row.put("name", job.name());
      row.put("kind", job.kind().label());
      row.put("description", job.description());
      row.put("threads", threads(job, blockingThreads));
      row.put("usage", JobInput.usage(job));
      ArrayNode params = row.putArray("params");
      for (Param p : job.params()) {
        ObjectNode param = params.addObject();
        param.put("name", p.name());
        param.put("type", p.type().label());
        param.put("required", p.required());
        param.put("min", p.min());
        param.put("max", p.max());
        param.put("help", p.help());
      }
    }
    return out;
  }

  /** Which threads run it, so a user can tell an asynchronous I/O job from a blocking one. */
  private static String threads(Job job, String blockingThreads) {
    if (job instanceof CpuJob) {
      return "a compute thread of a worker process";
    }
    // An asynchronous I/O job may still make calls that can only block (read-file reads a file):
    // those run where blocking jobs do.
    return job instanceof BlockingJob ? blockingThreads
        : "the node's I/O dispatcher, holding no thread while it waits (its blocking calls: "
            + blockingThreads.replaceFirst(" \\(.*", "") + ")";
  }
}
