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
