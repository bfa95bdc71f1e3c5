package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.protocol.api.Json;

@Command(name = "members", mixinStandardHelpOptions = true, description = "List the cluster's nodes and workers.")
final class MembersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Option(names = "--json", description = "print a JSON list of {address, roles, status, pid}")
  boolean json;

  @Override
  public Integer call() {
    JsonNode members = target.client().members().join();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(members));
      out.flush();
      return ExitCodes.OK;
    }
    print(out, members);
    return ExitCodes.OK;
  }

  static void print(PrintWriter out, JsonNode members) {
    Table table = new Table("ADDRESS", "ROLES", "STATUS", "PID", "HTTP");
    for (JsonNode m : members) {
      List<String> roles = new ArrayList<>();
      m.path("roles").forEach(r -> roles.add(r.asText()));
      table.add(m.path("address").asText(), String.join(",", roles), m.path("status").asText(),
          m.path("pid").isNumber() ? m.path("pid").asText() : "?", m.path("httpUrl").asText("-"));
    }
    table.print(out);
  }
}
