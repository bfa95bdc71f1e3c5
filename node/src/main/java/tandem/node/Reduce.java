package tandem.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/** How a map's results are folded into one value on the node that owns it. */
public enum Reduce {
  SUM, MIN, MAX, COUNT, CONCAT;

  public static Reduce parse(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("reduce must be one of sum, min, max, count, concat; not '" + name + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Folds the results of the elements that succeeded, in input order. */
  public JsonNode apply(List<JsonNode> results) {
    return switch (this) {
      case COUNT -> Json.NODES.numberNode(results.size());
      case CONCAT -> concat(results);
      case SUM, MIN, MAX -> numeric(results);
    };
  }

  private JsonNode numeric(List<JsonNode> results) {
    Fold fold = new Fold(this);
    results.forEach(fold::add);
    return fold.value();
  }

  /**
   * Whether results fold one at a time into a value of fixed size (sum, min, max, count): a map
   * that folds so keeps no result of its elements, whatever its size. Concat keeps them all, in order.
   */
  public boolean folds() {
    return this != CONCAT;
  }

  /** A running sum, min, max or count of results, in any order. Not thread-safe. */
  public static final class Fold {
    private final Reduce reduce;
    private BigDecimal acc;
    private long count;

    public Fold(Reduce reduce) {
      if (!reduce.folds()) {
        throw new IllegalArgumentException(reduce + " does not fold");
      }
      this.reduce = reduce;
    }

    /** @throws BadInputException when sum, min or max meets a result that is not a number */
    public void add(JsonNode result) {
      count++;
      if (reduce == COUNT) {
        return;
      }
      if (!result.isNumber()) {
        throw new BadInputException(reduce.label() + " needs numbers, but a result is " + result);
      }
      BigDecimal v = result.decimalValue();
      acc = acc == null ? v : switch (reduce) {
        case SUM -> acc.add(v);
        case MIN -> acc.min(v);
        default -> acc.max(v);
      };
    }

    /** Folds in a partial fold of {@code ok} results made elsewhere (a worker's, of one chunk). */
    public void merge(JsonNode partial, long ok) {
      if (reduce == COUNT) {
        count += ok;
        return;
      }
      if (ok > 0 && partial != null && !partial.isNull()) {
        long before = count;
        add(partial);
        count = before + ok;
      }
    }

    public JsonNode value() {
      if (reduce == COUNT) {
        return Json.NODES.numberNode(count);
      }
      if (acc == null) {
        return reduce == SUM ? Json.NODES.numberNode(0) : Json.NODES.nullNode();
      }
      try {
        return Json.NODES.numberNode(acc.longValueExact());
      } catch (ArithmeticException notALong) {
        return Json.NODES.numberNode(acc);
      }
    }
  }

  /** Arrays are joined into one array; anything else into one string. */
  private static JsonNode concat(List<JsonNode> results) {
    if (!results.isEmpty() && results.stream().allMatch(JsonNode::isArray)) {
      ArrayNode all = Json.NODES.arrayNode();
      results.forEach(r -> r.forEach(all::add));
      return all;
    }
    StringBuilder text = new StringBuilder();
    results.forEach(r -> text.append(r.isTextual() ? r.asText() : Json.write(r)));
    return Json.NODES.textNode(text.toString());
  }
}
