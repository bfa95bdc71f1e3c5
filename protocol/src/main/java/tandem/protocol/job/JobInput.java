package tandem.protocol.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's parameters, checked against the job's {@link Param}s before the job is accepted, and the
 * logger its lines go to.
 */
public final class JobInput {
  /** Where a job's log lines go when nothing captures them: the process's own log. */
  private static final Logger UNCAPTURED = LoggerFactory.getLogger("tandem.job");

  private final ObjectNode params;
  private final Logger log;

  private JobInput(ObjectNode params, Logger log) {
    this.params = params;
    this.log = log;
  }

  /**
   * Checks {@code params} against what {@code job} takes: no unknown names, every required one
   * present, each of the right type and range, then the job's own {@link Job#validate}.
   *
   * @throws BadInputException naming the parameter and what to change
   */
  public static JobInput checked(Job job, ObjectNode params) {
    // Run once per element of a map (100,000 in one submission): plain loops, and messages made
    // only for what is refused.
    List<Param> specs = job.params();
    for (Iterator<String> names = params.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!takes(specs, name)) {
        throw new BadInputException(
            "job '" + job.name() + "' has no parameter '" + name + "'; it takes: " + usage(job));
      }
    }
    for (Param p : specs) {
      JsonNode value = params.get(p.name());
      if (value == null || value.isNull()) {
        if (p.required()) {
          throw new BadInputException(
              "job '" + job.name() + "' needs " + p.name() + "=<" + p.type().label() + ">: "
                  + p.help());
        }
        continue;
      }
      checkType(job, p, value);
    }
    JobInput input = new JobInput(params, UNCAPTURED);
    job.validate(input);
    return input;
  }

  /** Wraps parameters that were checked already (e.g. on the node, before they reached a worker). */
  public static JobInput trusted(ObjectNode params) {
    return new JobInput(params, UNCAPTURED);
  }

  /** Parameters checked already, with the job's log lines going to {@code log}. */
  public static JobInput trusted(ObjectNode params, Logger log) {
    return new JobInput(params, log);
  }

  /** The same parameters, with log lines going to {@code to}. */
  public JobInput withLog(Logger to) {
    return new JobInput(params, to);
  }

  /**
   * The job's logger: where a job runs for a user, its lines are kept with the job and shown by
   * {@code tandem logs ID}, {@code GET /jobs/{id}/logs} and the job's page (with what it wrote to
   * {@code System.out} and {@code System.err} in a worker), else they go to the process's log.
   */
  public Logger log() {
    return log;
  }

  private static boolean takes(List<Param> specs, String name) {
    for (Param p : specs) {
      if (p.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static void checkType(Job job, Param p, JsonNode value) {
    switch (p.type()) {
      case INTEGER -> {
        // 1.0, 1e308, "NaN" and 2^63 are refused here, before a job could turn them into a loop bound or a size.
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
          throw new BadInputException(where(job, p) + " must be a whole number" + range(p)
              + ", written without a fraction or exponent, not " + shown(value));
        }
        long v = value.asLong();
        if ((p.min() != null && v < p.min()) || (p.max() != null && v > p.max())) {
          throw new BadInputException(where(job, p) + " must be" + range(p) + ", not " + v);
        }
      }
      case NUMBER -> {
        if (!value.isNumber()) {
          throw new BadInputException(where(job, p) + " must be a number, not " + shown(value));
        }
      }
      case BOOLEAN -> {
        if (!value.isBoolean()) {
          throw new BadInputException(where(job, p) + " must be true or false, not " + shown(value));
        }
      }
      case STRING -> {
        // Bytes pass too: a job reads them with getBytes, or as UTF-8 text with getString.
        if (!value.isValueNode()) {
          throw new BadInputException(where(job, p) + " must be a plain value, not " + shown(value));
        }
      }
    }
  }

  private static String range(Param p) {
    return p.min() != null && p.max() != null ? " from " + p.min() + " to " + p.max() : "";
  }

  private static String where(Job job, Param p) {
    return "parameter " + p.name() + " of job '" + job.name() + "'";
  }

  /** A refused value as a message shows it: cut short, since it may be megabytes of text. */
  private static String shown(JsonNode value) {
    if (value.isBinary()) {
      return bytesOf(value).length + " bytes";
    }
    String text = value.toString();
    return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
  }

  /** {@code n=<integer 0..1000> [x=<string>]}: what a job takes, for messages and the catalog. */
  public static String usage(Job job) {
    if (job.params().isEmpty()) {
      return "no parameters";
    }
    return job.params().stream().map(Param::usage).collect(Collectors.joining(" "));
  }

  public boolean has(String name) {
    JsonNode v = params.get(name);
    return v != null && !v.isNull();
  }

  public long getLong(String name) {
    return require(name).asLong();
  }

  public long getLong(String name, long otherwise) {
    return has(name) ? params.get(name).asLong() : otherwise;
  }

  public boolean getBoolean(String name, boolean otherwise) {
    return has(name) ? params.get(name).asBoolean() : otherwise;
  }

  /**
   * A parameter as text; numbers and booleans given for a string parameter are spelled out, and
   * bytes (e.g. a file a previous pipeline step read) are decoded as UTF-8.
   *
   * @throws BadInputException when the parameter is bytes that are not UTF-8 text
   */
  public String getString(String name) {
    JsonNode v = require(name);
    if (!v.isBinary()) {
      return v.asText();
    }
    byte[] bytes = bytesOf(v);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadInputException("parameter " + name + " is " + bytes.length + " bytes that are not UTF-8 text");
    }
  }

  /** Whether a parameter is bytes rather than text or another JSON value. */
  public boolean isBytes(String name) {
    return has(name) && params.get(name).isBinary();
  }

  /**
   * A parameter as bytes: bytes as they are (not copied), text as its UTF-8 (numbers and booleans
   * spelled out, as {@link #getString} gives them).
   *
   * @throws BadInputException when the parameter is an array or object
   */
  public byte[] getBytes(String name) {
    JsonNode v = require(name);
    if (v.isBinary()) {
      return bytesOf(v);
    }
    if (v.isValueNode()) {
      return v.asText().getBytes(StandardCharsets.UTF_8);
    }
    throw new BadInputException("parameter " + name + " must be bytes or text, not " + shown(v));
  }

  private static byte[] bytesOf(JsonNode binary) {
    return ((BinaryNode) binary).binaryValue();
  }

  /** The parameters as given. */
  public ObjectNode params() {
    return params;
  }

  private JsonNode require(String name) {
    JsonNode v = params.get(name);
    if (v == null || v.isNull()) {
      throw new BadInputException("missing parameter " + name);
    }
    return v;
  }
}
