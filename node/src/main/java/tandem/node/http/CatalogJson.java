package tandem.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tandem.protocol.api.Json;
import tandem.node.jobs.JobCatalog;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Param;

/** The jobs a node can run, with their parameters, as {@code GET /catalog} shows them. */
final class CatalogJson {
  private CatalogJson() {}

  static ArrayNode of(JobCatalog catalog) {
    ArrayNode out = Json.NODES.arrayNode();
    for (Job job : catalog.all()) {
      ObjectNode row = out.addObject();
      row.put("name", job.name());
      row.put("kind", job.kind().label());
      row.put("description", job.description());
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
}
