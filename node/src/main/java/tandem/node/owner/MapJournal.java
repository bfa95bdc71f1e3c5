package tandem.node.owner;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import tandem.node.journal.JobJournal;
import tandem.node.journal.JobStore;

/**
 * One map's settled chunks in the journal: recorded as they settle, so that a node taking the map
 * over runs only what is left, and read back when this run is such a takeover. Within a byte
 * budget per map ({@code tandem.journal.max-map-bytes}); a chunk past it, or larger than {@code
 * max-result-bytes}, is not recorded and simply runs again after a takeover. Owned by one
 * {@link MapRun}; not thread-safe.
 */
final class MapJournal {
  /** No journal, or a map that does not resume (its results are streamed to a reader, or uploaded). */
  static final MapJournal NONE = new MapJournal(null, null, false);

  private final JobJournal journal;
  private final String id;
  private final boolean resumes;
  private long budget;

  MapJournal(JobJournal journal, String id, boolean resumes) {
    this.journal = journal;
    this.id = id;
    this.resumes = resumes;
    this.budget = journal == null ? 0 : journal.settings().maxMapBytes();
  }

  /** Whether this run takes over a map whose chunks may have settled before: it reads them first. */
  boolean resumes() {
    return journal != null && resumes;
  }

  /** The chunks that settled before this run took the map over. */
  CompletableFuture<List<JobStore.SettledChunk>> settled() {
    return resumes() ? journal.settledChunks(id) : CompletableFuture.completedFuture(List.of());
  }

  /** Records a chunk that settled ({@code result} as its worker sent it, or the chunk's {@code error}). */
  void record(Chunk chunk, byte[] result, String error) {
    if (journal == null) {
      return;
    }
    long size = (result == null ? 0 : result.length) + (error == null ? 0 : error.length() * 2L) + 64;
    if (size > journal.settings().maxResultBytes() || size > budget) {
      return;
    }
    budget -= size;
    journal.chunkSettled(new JobStore.SettledChunk(id, chunk.offset(), chunk.count(), result, error));
  }
}
