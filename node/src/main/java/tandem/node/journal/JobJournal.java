package tandem.node.journal;

import com.typesafe.config.Config;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's journal of the jobs it owns (see {@link JobStore}): what it accepted, recorded before
 * a client hears it was accepted, and how each ended. One writer thread takes every write that
 * waits and commits them in one transaction (group commit): a burst of a thousand jobs costs one
 * commit, not a thousand. When the store cannot be written, {@link #refusal} says why, so the node
 * refuses new jobs (503) instead of accepting what it could not record; the writer tries again
 * every two seconds, and the failure and the recovery are logged once each. Ends that could not
 * be written are kept (up to 100,000) and written once the store takes writes again.
 */
public final class JobJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);
  private static final int BATCH = 1000;
  private static final int KEPT_ENDS = 100_000;
  private static final Duration RETRY = Duration.ofSeconds(2);
  /** How often finished jobs past their retention are removed: often enough that each removal is short. */
  private static final Duration PURGE_EVERY = Duration.ofSeconds(10);

  /**
   * A write and who waits for it. Its row is made on the writer thread: encoding a submission or a
   * job's record costs the JobManager nothing.
   */
  private record Pending(Supplier<JobStore.Accepted> accepted, Supplier<JobStore.Finished> finished,
      JobStore.SettledChunk chunk, CompletableFuture<Void> done, Acceptance acceptance) {
    Pending(Supplier<JobStore.Accepted> accepted, Supplier<JobStore.Finished> finished, JobStore.SettledChunk chunk,
        CompletableFuture<Void> done) {
      this(accepted, finished, chunk, done, null);
    }
  }

  /**
   * An acceptance not written yet, and the job's end if it came first. Short jobs end before the
   * writer reaches their acceptance (a stream of no-ops keeps thousands waiting): such a job is
   * written once, as it ended, instead of an insert and then an update, and its submission is
   * never encoded, as it never runs again.
   */
  private static final class Acceptance {
    private static final Supplier<JobStore.Ended> TAKEN = () -> null;
    final String id;
    /** Null while neither came; the end, if it came first; {@link #TAKEN} once the writer has it. */
    final AtomicReference<Supplier<JobStore.Ended>> end = new AtomicReference<>();

    Acceptance(String id) {
      this.id = id;
    }
  }

  /** Acceptances in the queue, by job id: a job's end looks for its own here. */
  private final ConcurrentHashMap<String, Acceptance> unwrittenAcceptances = new ConcurrentHashMap<>();

  private final JobStore store;
  private final String where;
  private final JournalSettings settings;
  private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(200_000);
  /** Ends not written yet because the store failed; the writer thread's only. */
  private final ArrayDeque<JobStore.Finished> unwritten = new ArrayDeque<>();
  private final Thread writer;
  /** Reads (a job by id, orphans, claims) off the callers' threads: actors and HTTP never wait on JDBC. */
  private final ExecutorService readers = Executors.newFixedThreadPool(2, runnable -> {
    Thread t = new Thread(runnable, "tandem-journal-reader");
    t.setDaemon(true);
    return t;
  });
  private static final String OPENING = "the journal is opening";
  private volatile String trouble = OPENING;
  private volatile boolean closed;
  private boolean schema;
  private long lastPurge;

  public JobJournal(JournalSettings settings) {
    this.settings = settings;
    this.where = settings.shownUrl();
    this.store = new JobStore(settings.url(), settings.user(), settings.password());
    this.writer = new Thread(this::write, "tandem-journal-writer");
    writer.setDaemon(true);
    writer.start();
  }

  public static Optional<JobJournal> fromConfig(Config config) {
    JournalSettings settings = JournalSettings.from(config);
    return settings.url().isEmpty() ? Optional.empty() : Optional.of(new JobJournal(settings));
  }

  public JournalSettings settings() {
    return settings;
  }

  /**
   * Null while the journal takes writes, or is still opening (a job accepted then waits in the queue
   * for the first commit, which answers it either way); else why the node should refuse a new job.
   */
  public String refusal() {
    String now = trouble;
    return now == null || now.equals(OPENING) ? null : "the job journal (" + where + ") cannot be written (" + now + "): this node takes no"
        + " job it could not record; try again shortly, or another node";
  }

  /**
   * Records accepted job {@code id}; completes once it is committed, or fails with why it could not
   * be. Should the job end before this is written, {@link #ended} writes both as one row.
   */
  public CompletableFuture<Void> accepted(String id, Supplier<JobStore.Accepted> accepted) {
    Acceptance acceptance = new Acceptance(id);
    unwrittenAcceptances.put(id, acceptance);
    CompletableFuture<Void> done = enqueue(new Pending(accepted, null, null, new CompletableFuture<>(), acceptance));
    if (done.isDone()) { // refused: the queue is full
      unwrittenAcceptances.remove(id, acceptance);
    }
    return done;
  }

  /** Records a job's end; it is written when the store can take it (kept meanwhile). */
  public void finished(Supplier<JobStore.Finished> finished) {
    enqueue(new Pending(null, finished, null, new CompletableFuture<>()));
  }

  /**
   * Records job {@code id}'s end: with its acceptance as one row if that is not written yet, else
   * as {@link #finished}.
   */
  public void ended(String id, Supplier<JobStore.Ended> ended) {
    Acceptance waiting = unwrittenAcceptances.remove(id);
    if (waiting == null || !waiting.end.compareAndSet(null, ended)) {
      finished(() -> ended.get().end());
    }
  }

  /**
   * Records a map's settled chunk, so a node that takes the map over runs only what is left. Best
   * effort: one that cannot be written (the store is down, the queue full) runs again after a takeover.
   */
  public void chunkSettled(JobStore.SettledChunk chunk) {
    queue.offer(new Pending(null, null, chunk, new CompletableFuture<>()));
  }

  /** Map {@code id}'s settled chunks, read off the caller's thread. */
  public CompletableFuture<List<JobStore.SettledChunk>> settledChunks(String id) {
    return read(() -> store.settledChunks(id));
  }

  /** One read of the store. */
  @FunctionalInterface
  private interface Read<T> {
    T from() throws SQLException;
  }

  /** Runs {@code read} on a reader thread: actors and HTTP never wait on JDBC. */
  private <T> CompletableFuture<T> read(Read<T> read) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return read.from();
      } catch (SQLException e) {
        throw new IllegalStateException("the job journal (" + where + ") cannot be read: " + e.getMessage(), e);
      }
    }, readers);
  }

  private CompletableFuture<Void> enqueue(Pending pending) {
    if (!queue.offer(pending)) {
      pending.done().completeExceptionally(new IllegalStateException("the journal's queue is full (200,000 writes wait)"));
    }
    return pending.done();
  }

  public CompletableFuture<Optional<JobStore.Row>> find(String id) {
    return read(() -> store.find(id));
  }

  /** Unfinished jobs {@code owner} holds (a JobManager that started again had them), read off the caller's thread. */
  public CompletableFuture<List<JobStore.Row>> unfinishedOf(String owner) {
    return read(() -> store.unfinishedOf(owner, 100_000));
  }

  /** The store, for the {@link Recovery}'s sweeps (on its own thread). */
  JobStore store() {
    return store;
  }

  ExecutorService readers() {
    return readers;
  }

  private void write() {
    List<Pending> batch = new ArrayList<>(BATCH);
    commit(batch); // at once: the node takes jobs as soon as its journal is open, not after the first 2 s wait
    while (!closed) {
      try {
        Pending first = queue.poll(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        batch.clear();
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, BATCH - 1);
        }
        if (first != null || trouble != null || !unwritten.isEmpty()) {
          commit(batch);
        }
        if (trouble == null) {
          purgeNowAndThen(); // busy or idle: under a steady stream of jobs the journal stays within its retention
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.error("the journal's writer failed unexpectedly; it carries on", e);
      }
    }
  }

  /** One transaction: this batch, and any ends that waited for the store; or, with neither, a probe. */
  private void commit(List<Pending> batch) {
    List<JobStore.Finished> retried = new ArrayList<>(unwritten);
    List<JobStore.Finished> ends = new ArrayList<>();
    List<JobStore.Accepted> accepted = new ArrayList<>();
    List<JobStore.Ended> acceptedEnded = new ArrayList<>();
    List<JobStore.SettledChunk> chunks = new ArrayList<>();
    for (Pending p : batch) {
      if (p.chunk() != null) {
        chunks.add(p.chunk());
      } else if (p.accepted() != null) {
        Supplier<JobStore.Ended> end = p.acceptance() == null ? null : taken(p.acceptance());
        if (end != null) {
          acceptedEnded.add(end.get());
        } else {
          accepted.add(p.accepted().get());
        }
      } else {
        ends.add(p.finished().get());
      }
    }
    try {
      if (!schema) {
        String damage = store.createSchema();
        if (damage != null) {
          LOG.error("the job journal ({}) is damaged beyond a torn last write: {}; the rows SQLite can still read are"
              + " served, and a write that fails refuses jobs (move the file away to start a new journal)", where, damage);
        }
        schema = true;
      }
      store.transaction(List.of((s, c) -> {
        s.insertAll(c, accepted);
        s.insertEnded(c, acceptedEnded);
        s.insertChunks(c, chunks);
        s.finishAll(c, retried);
        s.finishAll(c, ends);
        if (batch.isEmpty() && retried.isEmpty()) {
          s.probe(c);
        }
      }));
      unwritten.clear();
      if (trouble != null) { // before anyone hears: a caller that saw its write done sees the journal well too
        LOG.info("the job journal ({}) takes writes{}; this node takes jobs", where,
            trouble.equals(OPENING) ? "" : " again");
        trouble = null;
      }
      batch.forEach(p -> p.done().complete(null));
    } catch (SQLException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      for (JobStore.Finished f : ends) {
        if (unwritten.size() < KEPT_ENDS) {
          unwritten.add(f);
        }
      }
      if (trouble == null || trouble.equals(OPENING)) {
        LOG.error("the job journal ({}) cannot be written: {}; this node refuses new jobs until it can, and tries again"
            + " every {} s", where, reason, RETRY.toSeconds());
      }
      trouble = reason; // before anyone hears of the failure: a caller told of it is refused from then on
      batch.forEach(p -> p.done().completeExceptionally(e));
    }
  }

  /** The end that came before the writer took this acceptance, or null; from now on an end is written on its own. */
  private Supplier<JobStore.Ended> taken(Acceptance acceptance) {
    unwrittenAcceptances.remove(acceptance.id, acceptance);
    return acceptance.end.getAndSet(Acceptance.TAKEN);
  }

  private void purgeNowAndThen() {
    long now = System.currentTimeMillis();
    if (now - lastPurge < PURGE_EVERY.toMillis()) {
      return;
    }
    lastPurge = now;
    try {
      int gone = store.purge(now - settings.retainFor().toMillis(), settings.retainFinished());
      if (gone > 0) {
        LOG.debug("the job journal forgot {} finished jobs (tandem.journal.retain-for / retain-finished)", gone);
      }
    } catch (SQLException e) {
      LOG.warn("the job journal could not forget old jobs: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    readers.shutdownNow();
    store.close();
  }
}
