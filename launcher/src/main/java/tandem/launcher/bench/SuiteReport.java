package tandem.launcher.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import tandem.launcher.cli.Table;
import tandem.protocol.api.Json;

/** The suite's figures: median and spread over the runs, against each goal and the best peer. */
final class SuiteReport {
  private SuiteReport() {}

  static void print(PrintWriter out, String setting, List<Figure> figures) {
    out.println(setting);
    Table table = new Table("FIGURE", "MEDIAN", "SPREAD", "RUNS", "GOAL", "MET", "BEST PEER HERE");
    for (Figure f : figures) {
      table.add(f.name(), value(f.median(), f.unit()), value(f.min(), "") + " - " + value(f.max(), ""),
          f.samples().size(), f.hasGoal() ? (f.higherIsBetter() ? ">= " : "<= ") + value(f.goal(), f.unit()) : "report",
          f.hasGoal() ? (f.met() ? "yes" : "NO") : "-", f.peer());
    }
    table.print(out);
    out.flush();
  }

  static ObjectNode json(String setting, List<Figure> figures) {
    ObjectNode out = Json.object();
    out.put("setting", setting);
    ArrayNode list = out.putArray("figures");
    for (Figure f : figures) {
      ObjectNode row = list.addObject().put("name", f.name().strip()).put("unit", f.unit())
          .put("median", f.median()).put("min", f.min()).put("max", f.max());
      f.samples().forEach(row.putArray("samples")::add);
      if (f.hasGoal()) {
        row.put("goal", f.goal()).put("higherIsBetter", f.higherIsBetter()).put("met", f.met());
      }
      row.put("peer", f.peer());
    }
    return out;
  }

  private static String value(double v, String unit) {
    String number = Math.abs(v) >= 1000 ? String.format("%,.0f", v) : Math.abs(v) >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    return unit.isEmpty() ? number : number + " " + unit;
  }
}
