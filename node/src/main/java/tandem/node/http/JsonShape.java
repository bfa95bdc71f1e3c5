package tandem.node.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/**
 * Reads a submission as a stream of tokens, building nothing, and refuses it while it declares
 * more than the node takes: more elements in {@code inputs}, {@code values.values} or steps in
 * {@code pipeline}, or more JSON values in all. It runs before Jackson builds the tree, because
 * the tree is what costs: a 65 MiB body of {@code {},} is 22 million objects, gigabytes of heap.
 */
final class JsonShape {
  /**
   * Field names are not interned here: a body of millions of distinct names would otherwise fill
   * the parser's symbol table. Strings may be as long as the body (one large input).
   */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
      .build();

  /** An open object or list: the field it is the value of, and for a counted list its count. */
  private static final class Open {
    final String field;
    final String counted;
    long items;

    Open(String field, String counted) {
      this.field = field;
      this.counted = counted;
    }
  }

  private JsonShape() {}

  /**
   * @throws BadInputException naming the field that holds too much, or the body when it is not
   *     JSON (the tree parser would say the same)
   */
  static void check(String body, SubmitLimits limits) {
    try (JsonParser parser = FACTORY.createParser(body)) {
      Deque<Open> open = new ArrayDeque<>();
      String field = null;
      long values = 0;
      for (JsonToken token; (token = parser.nextToken()) != null; ) {
        if (token == JsonToken.FIELD_NAME) {
          // Only the names of the first two levels decide what is counted.
          field = open.size() <= 2 ? parser.currentName() : null;
          continue;
        }
        if (token.isStructEnd()) {
          open.pop();
          continue;
        }
        if (++values > limits.maxJsonValues()) {
          throw limits.tooManyJsonValues();
        }
        Open parent = open.peek();
        if (parent != null && parent.counted != null) {
          count(parent, limits);
        }
        if (token.isStructStart()) {
          open.push(new Open(field, counted(open, field, token)));
        }
        field = null; // a list's items have no name
      }
    } catch (JsonProcessingException e) {
      throw new BadInputException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException("the request could not be read: " + e.getMessage());
    }
  }

  /**
   * The top-level {@code "tag"} of a job-stream line refused by {@link #check}, read without building
   * the rest, so the refusal still reaches the job it is about; null when there is none to be read.
   */
  static JsonNode tag(String line) {
    try (JsonParser parser = FACTORY.createParser(line)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token; (token = parser.nextToken()) == JsonToken.FIELD_NAME; ) {
        String name = parser.currentName();
        token = parser.nextToken();
        if (name.equals("tag") && token.isScalarValue()) {
          return Json.MAPPER.readTree(parser);
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Which list, if any, a container just opened is: its items are what a map or pipeline is made of. */
  private static String counted(Deque<Open> open, String field, JsonToken token) {
    if (token != JsonToken.START_ARRAY || field == null) {
      return null;
    }
    if (open.size() == 1 && (field.equals("inputs") || field.equals("pipeline"))) {
      return field;
    }
    if (open.size() == 2 && field.equals("values") && "values".equals(open.peek().field)) {
      return "values";
    }
    return null;
  }

  private static void count(Open list, SubmitLimits limits) {
    list.items++;
    if (list.counted.equals("pipeline")) {
      if (list.items > limits.maxPipelineSteps()) {
        throw limits.tooManySteps("more than " + limits.maxPipelineSteps());
      }
    } else if (list.items > limits.mapElements()) {
      throw limits.tooManyElements(list.counted, "more than " + limits.mapElements());
    }
  }
}
