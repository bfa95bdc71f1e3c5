package tandem.node.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/**
 * Reads a submission into a tree, refusing it as soon as it declares more than the node takes:
 * more elements in {@code inputs}, {@code values.values} or steps in {@code pipeline}, or more JSON
 * values in all. The count is kept token by token while Jackson builds the tree, so a body is
 * parsed once (reading it a second time just to count halved the job stream's rate), and a refusal
 * comes before more than the limit is built: the tree is what costs, and a 65 MiB body of
 * {@code {},} is 22 million objects, gigabytes of heap.
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

  private JsonShape() {}

  /**
   * The body's first JSON value as a tree, as {@code Json.MAPPER.readTree} builds it; null when the
   * body holds none. What follows that value is not used, but it is read and counted all the same.
   *
   * @throws BadInputException naming the field that holds too much, or the body when it is not JSON
   */
  static JsonNode read(String body, SubmitLimits limits) {
    try (Counting parser = new Counting(FACTORY.createParser(body), limits)) {
      JsonNode tree = Json.MAPPER.readTree(parser);
      while (parser.nextToken() != null) {
        // a further value is refused only when malformed or too large, as it always was
      }
      return tree;
    } catch (JsonProcessingException e) {
      throw new BadInputException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException("the request could not be read: " + e.getMessage());
    }
  }

  /**
   * The top-level {@code "tag"} of a job-stream line refused by {@link #read}, read without building
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

  /**
   * Hands Jackson's tree builder every token, counting each as it passes. Jackson's parser reads
   * all tokens through {@link #nextToken} ({@code nextFieldName} and the other shortcuts call it);
   * the two a delegate would pass straight to the inner parser are overridden to count as well.
   */
  private static final class Counting extends JsonParserDelegate {
    private final SubmitLimits limits;
    private final Deque<Open> open = new ArrayDeque<>();
    private String field;
    private long values;

    Counting(JsonParser parser, SubmitLimits limits) {
      super(parser);
      this.limits = limits;
    }

    @Override
    public JsonToken nextToken() throws IOException {
      JsonToken token = delegate.nextToken();
      if (token == null) {
        return null;
      }
      if (token == JsonToken.FIELD_NAME) {
        // Only the names of the first two levels decide what is counted.
        field = open.size() <= 2 ? delegate.currentName() : null;
        return token;
      }
      if (token.isStructEnd()) {
        open.pop();
        return token;
      }
      if (++values > limits.maxJsonValues()) {
        throw limits.tooManyJsonValues();
      }
      Open parent = open.peek();
      if (parent != null && parent.counted != null) {
        count(parent);
      }
      if (token.isStructStart()) {
        open.push(new Open(field, counted(field, token)));
      }
      field = null; // a list's items have no name
      return token;
    }

    @Override
    public JsonToken nextValue() throws IOException {
      JsonToken token = nextToken();
      return token == JsonToken.FIELD_NAME ? nextToken() : token;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
      if (currentToken() != null && currentToken().isStructStart()) {
        for (int depth = 1; depth > 0; ) {
          JsonToken token = nextToken();
          if (token == null) {
            break;
          }
          depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
        }
      }
      return this;
    }

    /** Which list, if any, a container just opened is: its items are what a map or pipeline is made of. */
    private String counted(String field, JsonToken token) {
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

    private void count(Open list) {
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
}
