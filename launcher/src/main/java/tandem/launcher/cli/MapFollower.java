package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;
import tandem.launcher.client.UnreachableException;
import tandem.protocol.api.Json;

/**
 * Follows a map (or a pipeline over many inputs) on its owner until it is final: prints each
 * element as it settles, a progress line on a terminal, then a summary; gives the exit code.
 */
final class MapFollower {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;
  private final boolean reduced;
  private final MapPrinter printer;

  /** @param reduced whether the map folds its results into one (then only that one is printed) */
  MapFollower(CommandSpec spec, boolean unordered, boolean json, boolean reduced) {
    this.out = spec.commandLine().getOut();
    this.err = spec.commandLine().getErr();
    this.json = json;
    this.reduced = reduced;
    this.printer = new MapPrinter(unordered, json, System.console() != null && !json, out, err);
  }

  int follow(TandemClient client, String id, String label) {
    JsonNode done = settle(client, id);
    if (done == null) {
      client.cancel(id).join();
      err.println("tandem: the output closed (e.g. | head); " + label + " " + id + " cancelled");
      err.flush();
      return ExitCodes.JOB_FAILED;
    }
    if (reduced) {
      if (json) {
        out.println(Json.write(done.path("result")));
      } else if (!done.path("result").isNull()) {
        out.println(JobText.result(done));
      }
    } else if (done.path("result").isArray()) {
      printer.finish(done);
    }
    out.flush();
    JsonNode view = done.path("map");
    err.printf("%s %s %s: %d elements, %d failed, in %s%n", label, done.path("id").asText(), done.path("state").asText(),
        view.path("total").asInt(), view.path("failed").asInt(), JobText.ms(done.path("timings").path("totalMs")));
    if (done.path("error").isTextual()) {
      err.println("tandem: " + done.path("error").asText());
    }
    err.flush();
    return JobText.succeeded(done) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }

  /** Whether what this prints goes nowhere any more: the reader of a pipe went away. */
  private boolean outputClosed() {
    return out.checkError() || System.out.checkError();
  }

  /**
   * Prints elements as the owner reports them settled, until the map is final; then returns the
   * finished job, or null when the output closed first. Results of a reduce are not printed one by
   * one: only the progress shows.
   */
  private JsonNode settle(TandemClient client, String id) {
    int next = 0;
    while (true) {
      JsonNode page;
      try {
        page = client.mapResults(id, next).join();
      } catch (java.util.concurrent.CompletionException e) {
        if (!(e.getCause() instanceof UnreachableException gone) || !gone.answeredBefore()) {
          throw e;
        }
        // Its node died: follow it at the node that takes it over, from its first element again
        // (what was printed is not printed twice), or read it where it is final.
        printer.note("tandem: " + gone.getMessage().replaceFirst(";.*", "") + "; following " + id
            + " at another node of the cluster (with a journal, one takes it over)");
        client = client.ownerElsewhere(id).join();
        next = 0;
        JsonNode now = client.job(id).join();
        if (TandemClient.isFinal(now) && !now.path("owner").asText().equals(client.health().join().path("address").asText())) {
          return now;
        }
        continue;
      }
      int total = page.path("total").asInt();
      if (!reduced) {
        page.path("entries").forEach(entry -> printer.settled(entry, total));
      }
      next = page.path("next").asInt();
      printer.progress(page.path("done").asInt() + page.path("failed").asInt(), total);
      if (!reduced && outputClosed()) {
        return null; // nobody reads on: like a Python loop over imap killed by SIGPIPE, the map stops
      }
      if (TandemClient.isFinal(page)) {
        return client.job(id).join();
      }
    }
  }
}
