package tandem.node.owner;

import tandem.protocol.api.JobState;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tandem.protocol.api.Json;
import tandem.node.ResultValue;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * One pipeline in flight, over one input or many: which step each element is at, which step job
 * runs it, and how each step's result becomes the next step's {@code input}. Each step runs as a
 * job of its own (so retries, cancelling and placement work as for any job); this class only
 * decides what comes next. Not thread-safe: its PipelineRun owns it.
 */
final class PipelineSteps {
  /** The parameter a step's result is passed in. */
  static final String INPUT = "input";
  /** A content job's parameter that chooses what it returns (see the built-in read-file). */
  private static final String CONTENT = "as";

  /** One step: its job and the parameters given for it. */
  record Step(Job job, ObjectNode params) {}

  /** What to do after a step ended. */
  sealed interface Next permits RunStep, Settled {}

  /** Start {@code step} of {@code element} with these parameters. */
  record RunStep(int element, int step, ObjectNode params) implements Next {}

  /** The element is done: its result (JSON text or bytes), or why it failed. */
  record Settled(int element, ResultValue result, String error) implements Next {}

  private final List<Step> steps;
  private final Map<Long, int[]> stepOfChild = new HashMap<>();
  /**
   * Per element, each finished step's job as it ended, reported with the element's result; null
   * until its first step ends (nothing is made ahead for 100,000 elements).
   */
  private final List<JobRecord>[] runs;

  @SuppressWarnings("unchecked")
  PipelineSteps(List<Step> steps, int elements) {
    this.steps = steps;
    this.runs = new List[elements];
  }

  /**
   * The steps as given, checked: every step after the first must take an {@code input}; a content
   * job feeding another step returns its content as bytes ({@code as=bytes}) unless told otherwise.
   *
   * @throws BadInputException naming the step and what to change
   */
  static List<Step> checked(List<Step> given) {
    if (given.isEmpty()) {
      throw new BadInputException("a pipeline needs at least one step");
    }
    List<Step> out = new ArrayList<>(given.size());
    for (int i = 0; i < given.size(); i++) {
      Step step = given.get(i);
      ObjectNode params = step.params().deepCopy();
      boolean feeds = i < given.size() - 1;
      if (feeds && takes(step.job(), CONTENT) && !params.has(CONTENT)) {
        params.put(CONTENT, "bytes");
      }
      if (i > 0) {
        if (!takes(step.job(), INPUT)) {
          throw new BadInputException("step " + (i + 1) + ": job '" + step.job().name()
              + "' takes no input parameter, so it cannot follow another step");
        }
        if (params.has(INPUT)) {
          throw new BadInputException("step " + (i + 1) + ": input is the previous step's result; do not give it");
        }
      }
      out.add(new Step(step.job(), params));
    }
    return List.copyOf(out);
  }

  private static boolean takes(Job job, String param) {
    return job.params().stream().anyMatch(p -> p.name().equals(param));
  }

  /**
   * Checks a later step's parameters with a stand-in input, so a bad parameter is refused before
   * anything runs rather than when the step's turn comes.
   */
  static void checkLaterSteps(List<Step> steps) {
    for (int i = 1; i < steps.size(); i++) {
      Step step = steps.get(i);
      try {
        JobInput.checked(step.job(), step.params().deepCopy().put(INPUT, ""));
      } catch (BadInputException e) {
        if (!e.getMessage().contains(INPUT)) {
          throw new BadInputException("step " + (i + 1) + " (" + step.job().name() + "): " + e.getMessage());
        }
      }
    }
  }

  List<Step> steps() {
    return steps;
  }

  /**
   * The first step's parameters for an element: the step's own, with the element's laid over. A
   * step with none of its own (a map whose elements carry every parameter) takes the element as it
   * is, not a copy: 100,000 waits hold 100,000 trees fewer. Neither is modified afterwards.
   */
  ObjectNode firstParams(ObjectNode element) {
    ObjectNode own = steps.get(0).params();
    return own.isEmpty() ? element : own.deepCopy().setAll(element);
  }

  /** Remembers which element and step a started step job is. */
  void started(long childSeq, int element, int step) {
    stepOfChild.put(childSeq, new int[] {element, step});
  }

  /** The step jobs still running, to cancel them. */
  List<Long> running() {
    return List.copyOf(stepOfChild.keySet());
  }

  /** Which step of which element a step job is, or null when it is not one of this pipeline's. */
  int[] whereIs(long childSeq) {
    return stepOfChild.get(childSeq);
  }

  /** A step job ended: what comes next for its element. */
  Next stepEnded(JobRecord child) {
    int[] at = stepOfChild.remove(child.seq());
    int element = at[0];
    int step = at[1];
    List<JobRecord> ran = runs[element];
    if (ran == null) {
      runs[element] = List.of(child);
    } else {
      List<JobRecord> more = new ArrayList<>(ran); // a pipeline has a few steps: copied a few times
      more.add(child);
      runs[element] = more;
    }
    String label = "step " + (step + 1) + " (" + child.job() + ")";
    if (child.state() != JobState.SUCCEEDED) {
      return new Settled(element, null, label + " " + child.state().label() + ": " + child.error());
    }
    if (step == steps.size() - 1) {
      return new Settled(element, child.resultValue(), null);
    }
    Step next = steps.get(step + 1);
    ObjectNode params = next.params().deepCopy();
    params.set(INPUT, child.resultValue().tree()); // bytes handed on as they are, not copied
    try {
      JobInput.checked(next.job(), params);
    } catch (BadInputException e) {
      return new Settled(element, null, "step " + (step + 2) + " (" + next.job().name() + ") cannot take "
          + label + "'s result as its input: " + shorten(e.getMessage()));
    }
    return new RunStep(element, step + 1, params);
  }

  /** An element's steps for its entry in a map's results: job, where each ran, its timings. */
  String stepsJson(int element, long nowNanos) {
    ArrayNode out = Json.NODES.arrayNode();
    if (runs[element] != null) {
      runs[element].forEach(run -> out.add(JobJson.step(run, nowNanos)));
    }
    return Json.write(out);
  }

  /** A reason that quotes a large input is cut short. */
  private static String shorten(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
