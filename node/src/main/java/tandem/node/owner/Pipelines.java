package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * The pipelines a node owns. Each step runs as a job of its own (so placement, retries and
 * cancelling work as for any job); when one ends, the next step starts with its result as input,
 * or the element settles. A pipeline over many inputs reports through {@link Maps}. Not
 * thread-safe: the JobManager owns it.
 */
final class Pipelines {
  private final JobOwner owner;
  private final Maps maps;
  private final Map<Long, PipelineRun> runs = new HashMap<>();

  Pipelines(JobOwner owner, Maps maps) {
    this.owner = owner;
    this.maps = maps;
  }

  /**
   * Accepts a pipeline, checked before anything runs, and starts every element's first step.
   *
   * @param find the job of a name, or a refusal naming the known ones
   * @param elements null for one run, else each element's parameters for the first step
   * @throws BadInputException naming the step (and element) and what to change
   */
  JobRecord start(List<JobManager.PipelineStep> given, Function<String, Job> find, List<ObjectNode> elements,
      Reduce reduce, boolean failFast, JobOptions options) {
    if (options.on() != Placement.BY_KIND) {
      throw new BadInputException("a pipeline runs each step where its kind says; --on goes with submit and map");
    }
    List<PipelineRun.Step> steps = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      JobManager.PipelineStep step = given.get(i);
      try {
        steps.add(new PipelineRun.Step(find.apply(step.job()), step.params()));
      } catch (BadInputException e) {
        throw new BadInputException((given.size() > 1 ? "step " + (i + 1) + ": " : "") + e.getMessage());
      }
    }
    steps = PipelineRun.checked(steps);
    PipelineRun.checkLaterSteps(steps);
    List<ObjectNode> inputs = elements == null ? List.of(Json.object()) : elements;
    PipelineRun run = new PipelineRun(steps, inputs.size());
    List<ObjectNode> firsts = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode params = run.firstParams(inputs.get(i));
      try {
        JobInput.checked(steps.get(0).job(), params);
      } catch (BadInputException e) {
        throw new BadInputException((elements == null ? "" : "element " + i + ": ")
            + (steps.size() > 1 ? "step 1: " : "") + e.getMessage());
      }
      firsts.add(params);
    }
    long now = System.nanoTime();
    List<String> names = steps.stream().map(step -> step.job().name()).toList();
    JobRecord record = owner.newJob(String.join(" | ", names), steps.get(steps.size() - 1).job().kind(),
            steps.get(0).params(), now)
        .running(owner.thisNode(), now)
        .withPipeline(new PipelineView(names, List.of()))
        .withOptions(options);
    if (elements != null) {
      maps.follow(record.seq(), elements.size(), failFast, this::stopSteps);
      record = record.withMap(new MapView(elements.size(), 0, 0, 1, reduce, List.of()));
    }
    runs.put(record.seq(), run);
    owner.jobs().put(record);
    for (int i = 0; i < firsts.size(); i++) {
      startStep(record.seq(), run, i, 0, firsts.get(i));
    }
    return owner.jobs().get(record.seq()).orElse(record);
  }

  private void startStep(long seq, PipelineRun run, int element, int step, ObjectNode params) {
    // Each step is retried like any job; the pipeline's timeout covers all of its steps.
    JobOptions options = owner.jobs().get(seq).map(JobRecord::options).orElse(JobOptions.DEFAULT);
    JobRecord child = owner.startJob(run.steps().get(step).job(), params, JobInput.trusted(params), seq,
        new JobOptions(Placement.BY_KIND, null, options.retries(), options.retryOnError()));
    run.started(child.seq(), element, step);
    stepChanged(child);
  }

  /** Keeps a one-input pipeline's view of its steps current: the user watches them. */
  void stepChanged(JobRecord child) {
    PipelineRun run = runs.get(child.parent());
    int[] at = run == null || maps.isMap(child.parent()) ? null : run.whereIs(child.seq());
    if (at != null) {
      owner.jobs().get(child.parent()).filter(p -> !p.state().isFinal())
          .ifPresent(p -> owner.jobs().put(p.withPipeline(p.pipeline().withRun(at[1], child))));
    }
  }

  /** A step ended: start the element's next step, or settle the element. */
  void stepEnded(JobRecord child) {
    long seq = child.parent();
    PipelineRun run = runs.get(seq);
    if (run == null || run.whereIs(child.seq()) == null) {
      return; // the pipeline ended meanwhile (cancelled, or failed fast)
    }
    stepChanged(child);
    PipelineRun.Next next = run.stepEnded(child);
    if (next instanceof PipelineRun.RunStep step) {
      startStep(seq, run, step.element(), step.step(), step.params());
      owner.dispatch();
    } else if (next instanceof PipelineRun.Settled settled) {
      long now = System.nanoTime();
      if (maps.isMap(seq)) {
        maps.elementSettled(seq, settled.element(), settled.result() == null ? null : settled.result().json(), settled.error(),
            () -> run.stepsJson(settled.element(), now), now);
      } else {
        runs.remove(seq);
        owner.jobs().get(seq).filter(job -> !job.state().isFinal())
            .ifPresent(job -> owner.finish(job.concluded(settled.result(), settled.error(), now)));
      }
    }
  }

  /** Cancels a pipeline's running steps; their endings are ignored, since the pipeline is gone. */
  void stopSteps(long seq) {
    PipelineRun run = runs.get(seq);
    if (run == null) {
      return;
    }
    long now = System.nanoTime();
    List<JobRecord> cancelled = new ArrayList<>();
    for (long childSeq : run.running()) {
      owner.jobs().get(childSeq).filter(child -> !child.state().isFinal()).ifPresent(child -> {
        owner.stop(child);
        JobRecord stopped = child.cancelled("cancelled with its pipeline", now);
        stepChanged(stopped);
        cancelled.add(stopped);
      });
    }
    runs.remove(seq);
    cancelled.forEach(owner::finish);
  }
}
