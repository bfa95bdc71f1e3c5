package tandem.node.owner;

import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's steps as users see them; replaced, never changed.
 *
 * @param jobs the job of each step, in order
 * @param runs for a pipeline over one input, each started step's job as it stands (its id, state,
 *     where it ran and its timings); empty for a pipeline over many inputs, whose elements each
 *     report their steps with their results
 */
public record PipelineView(List<String> jobs, List<JobRecord> runs) {
  /** This view with a step's job as it now stands, in the place where it was started. */
  PipelineView withRunOf(JobRecord run) {
    for (int i = 0; i < runs.size(); i++) {
      if (runs.get(i).seq() == run.seq()) {
        return withRun(i, run);
      }
    }
    return this;
  }

  PipelineView withRun(int step, JobRecord run) {
    List<JobRecord> all = new ArrayList<>(runs);
    if (step < all.size()) {
      all.set(step, run);
    } else {
      all.add(run);
    }
    return new PipelineView(jobs, List.copyOf(all));
  }
}
