package tandem.node.journal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The journal's rows, over JDBC: one table of jobs, each with its owner (a node's address and
 * incarnation), its submission as it can be run again, and once final its record and result. The
 * same SQL runs on SQLite (one file every node on a machine shares, in WAL mode: a process killed
 * mid-write leaves the last whole transaction, which SQLite finds when it next opens the file) and
 * on PostgreSQL, through a small HikariCP pool that reconnects after an outage.
 */
public final class JobStore implements AutoCloseable {
  /** What the journal knows of one job. */
  public record Row(String id, String owner, String job, String state, byte[] submission, String notReplayable,
      String record, byte[] result, long submittedAt, Long finishedAt, int recovered) {}

  /** An accepted job as written. */
  public record Accepted(String id, String owner, String job, String state, byte[] submission, String notReplayable,
      long submittedAt) {}

  /**
   * Elements [{@code offset}, {@code offset + count}) of map {@code id} settled: their results as
   * the worker sent them ({@code result}: the chunk's results, or their fold), or the chunk's
   * {@code error}. A map taken over from the journal runs only the elements no chunk covers.
   */
  public record SettledChunk(String id, int offset, int count, byte[] result, String error) {}

  /** A final job as written: its record as the HTTP API shows it, and a bytes result raw (or null). */
  public record Finished(String id, String owner, String state, String record, byte[] result, long finishedAt) {}

  /**
   * A job's end with what its acceptance would have written: a job that ended before its
   * acceptance was written is written once, as it ended (without its submission: it never runs
   * again).
   */
  public record Ended(Finished end, String job, long submittedAt) {}

  private final HikariDataSource pool;
  private final boolean sqlite;

  /** Opens the pool; connections are made when first used, so a store that is down does not stop a node's start. */
  public JobStore(String url, String user, String password) {
    this.sqlite = url.startsWith("jdbc:sqlite:");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    if (!user.isEmpty()) {
      config.setUsername(user);
      config.setPassword(password);
    }
    config.setPoolName("tandem-journal");
    config.setMaximumPoolSize(sqlite ? 2 : 4);
    config.setMinimumIdle(1);
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(5_000);
    if (sqlite) {
      // WAL: readers never wait for the writer, and a commit is an append; NORMAL syncs at checkpoints,
      // so a killed process loses nothing committed (a power cut may lose the last commits).
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "NORMAL");
      config.addDataSourceProperty("busy_timeout", "5000");
    }
    this.pool = new HikariDataSource(config);
  }

  /**
   * Makes the table if it is missing. A SQLite file is checked first: a process killed mid-write
   * leaves a torn end of its write-ahead log, which SQLite drops on opening (everything up to the
   * last whole transaction stays); anything else wrong with the file is returned, to be logged.
   *
   * @return what the check found wrong, or null when the file is sound (or not SQLite)
   */
  public String createSchema() throws SQLException {
    String bytes = sqlite ? "BLOB" : "BYTEA";
    String damage = null;
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      if (sqlite) {
        StringBuilder found = new StringBuilder();
        try (ResultSet r = s.executeQuery("PRAGMA quick_check(20)")) {
          while (r.next()) {
            String line = r.getString(1);
            if (!"ok".equals(line)) {
              found.append(found.length() == 0 ? "" : "; ").append(line);
            }
          }
        }
        damage = found.length() == 0 ? null : found.toString();
      }
      s.execute("CREATE TABLE IF NOT EXISTS tandem_jobs ("
          + "id VARCHAR(100) PRIMARY KEY, owner VARCHAR(400) NOT NULL, job VARCHAR(2000) NOT NULL,"
          + " state VARCHAR(20) NOT NULL, submission " + bytes + ", not_replayable VARCHAR(1000), record TEXT,"
          + " result " + bytes + ", submitted_at BIGINT NOT NULL, finished_at BIGINT, recovered INTEGER NOT NULL DEFAULT 0)");
      s.execute("CREATE INDEX IF NOT EXISTS tandem_jobs_finished ON tandem_jobs (finished_at)");
      s.execute("CREATE TABLE IF NOT EXISTS tandem_map_chunks (id VARCHAR(100) NOT NULL, first_index INTEGER NOT NULL,"
          + " element_count INTEGER NOT NULL, result " + bytes + ", error TEXT, PRIMARY KEY (id, first_index))");
      s.execute("CREATE TABLE IF NOT EXISTS tandem_probe (k VARCHAR(20) PRIMARY KEY, v BIGINT NOT NULL)");
    }
    return damage;
  }

  /** Runs {@code writes} in one transaction: all of them are recorded, or none. */
  public void transaction(List<Write> writes) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (Write w : writes) {
          w.apply(this, c);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** One write of a transaction. */
  @FunctionalInterface
  public interface Write {
    void apply(JobStore store, Connection c) throws SQLException;
  }

  private static final String INSERT = "INSERT INTO tandem_jobs (id, owner, job, state, submission, not_replayable,"
      + " submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner,"
      + " state = excluded.state";
  private static final String FINISH = "UPDATE tandem_jobs SET state = ?, record = ?, result = ?, finished_at = ?"
      + " WHERE id = ? AND owner = ? AND finished_at IS NULL";

  /** Records maps' settled chunks; one already there (the same elements, written twice) stays as it was. */
  void insertChunks(Connection c, List<SettledChunk> all) throws SQLException {
    if (all.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO tandem_map_chunks (id, first_index, element_count, result, error)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id, first_index) DO NOTHING")) {
      for (SettledChunk chunk : all) {
        p.setString(1, chunk.id());
        p.setInt(2, chunk.offset());
        p.setInt(3, chunk.count());
        setBytes(p, 4, chunk.result());
        p.setString(5, chunk.error());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** Map {@code id}'s settled chunks, by their first element. */
  public List<SettledChunk> settledChunks(String id) throws SQLException {
    List<SettledChunk> out = new ArrayList<>();
    try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(
        "SELECT first_index, element_count, result, error FROM tandem_map_chunks WHERE id = ? ORDER BY first_index")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(new SettledChunk(id, r.getInt(1), r.getInt(2), r.getBytes(3), r.getString(4)));
        }
      }
    }
    return out;
  }

  /** Records an accepted job; one recovered by another owner is taken over (same id, new owner). */
  void insert(Connection c, Accepted a) throws SQLException {
    insertAll(c, List.of(a));
  }

  /** Records accepted jobs, one statement prepared for all of them (a batch of a thousand is one round). */
  void insertAll(Connection c, List<Accepted> all) throws SQLException {
    if (all.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(INSERT)) {
      for (Accepted a : all) {
        p.setString(1, a.id());
        p.setString(2, a.owner());
        p.setString(3, a.job());
        p.setString(4, a.state());
        setBytes(p, 5, a.submission());
        p.setString(6, a.notReplayable());
        p.setLong(7, a.submittedAt());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** Records a job's end, by its owner only: a node that lost its job to another records nothing. */
  void finish(Connection c, Finished f) throws SQLException {
    finishAll(c, List.of(f));
  }

  private static final String INSERT_ENDED = "INSERT INTO tandem_jobs (id, owner, job, state, record, result, submitted_at,"
      + " finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner,"
      + " state = excluded.state, record = excluded.record, result = excluded.result, finished_at = excluded.finished_at";

  /** Records jobs accepted and ended since the last commit, one row each (see {@link Ended}). */
  void insertEnded(Connection c, List<Ended> all) throws SQLException {
    if (all.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(INSERT_ENDED)) {
      for (Ended e : all) {
        Finished f = e.end();
        p.setString(1, f.id());
        p.setString(2, f.owner());
        p.setString(3, e.job());
        p.setString(4, f.state());
        p.setString(5, f.record());
        setBytes(p, 6, f.result());
        p.setLong(7, e.submittedAt());
        p.setLong(8, f.finishedAt());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** Records jobs' ends, one statement prepared for all of them. */
  void finishAll(Connection c, List<Finished> all) throws SQLException {
    if (all.isEmpty()) {
      return;
    }
    try (PreparedStatement p = c.prepareStatement(FINISH)) {
      for (Finished f : all) {
        p.setString(1, f.state());
        p.setString(2, f.record());
        setBytes(p, 3, f.result());
        p.setLong(4, f.finishedAt());
        p.setString(5, f.id());
        p.setString(6, f.owner());
        p.addBatch();
      }
      p.executeBatch();
    }
  }

  /** A write that changes nothing a job needs: whether the store takes writes again. */
  void probe(Connection c) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "INSERT INTO tandem_probe (k, v) VALUES ('probe', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")) {
      p.setLong(1, System.currentTimeMillis());
      p.executeUpdate();
    }
  }

  private static void setBytes(PreparedStatement p, int index, byte[] bytes) throws SQLException {
    if (bytes == null) {
      p.setNull(index, Types.BINARY);
    } else {
      p.setBytes(index, bytes);
    }
  }

  public Optional<Row> find(String id) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM tandem_jobs WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    }
  }

  /**
   * Unfinished jobs whose owner is none of {@code live}: their node is gone, and someone should
   * take them over. The live owners are left out in the query itself, so a sweep that finds nothing
   * to take (the usual case, every few seconds on every node) reads no submission.
   */
  public List<Row> orphans(Set<String> live, int limit) throws SQLException {
    List<Object> args = new ArrayList<>(live);
    String notLive = live.isEmpty() ? "" : " AND owner NOT IN (" + String.join(", ", java.util.Collections.nCopies(live.size(), "?")) + ")";
    args.add(limit);
    return unfinished(notLive, args);
  }

  /** Unfinished jobs {@code owner} holds, oldest first: what a node's JobManager that started again had. */
  public List<Row> unfinishedOf(String owner, int limit) throws SQLException {
    return unfinished(" AND owner = ?", List.of(owner, limit));
  }

  /** Unfinished jobs that also meet {@code condition} (its {@code ?}s are the {@code args} before the last, the limit), oldest first. */
  private List<Row> unfinished(String condition, List<Object> args) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM tandem_jobs WHERE finished_at IS NULL" + condition
            + " ORDER BY submitted_at LIMIT ?")) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          out.add(row(r));
        }
      }
    }
    return out;
  }


  /**
   * Takes over job {@code id} from {@code from}: true for exactly one of any nodes that try at once,
   * since only one conditional update finds the old owner still there.
   */
  public boolean claim(String id, String from, String to) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("UPDATE tandem_jobs SET owner = ?, recovered = recovered + 1"
            + " WHERE id = ? AND owner = ? AND finished_at IS NULL")) {
      p.setString(1, to);
      p.setString(2, id);
      p.setString(3, from);
      return p.executeUpdate() == 1;
    }
  }

  /** Forgets finished jobs that finished before {@code before} (epoch ms), and beyond the newest {@code keep}; how many. */
  public int purge(long before, int keep) throws SQLException {
    try (Connection c = pool.getConnection()) {
      long cutoff = before;
      try (PreparedStatement p = c.prepareStatement("SELECT finished_at FROM tandem_jobs WHERE finished_at IS NOT NULL"
          + " ORDER BY finished_at DESC LIMIT 1 OFFSET ?")) {
        p.setInt(1, keep);
        try (ResultSet r = p.executeQuery()) {
          if (r.next()) {
            cutoff = Math.max(cutoff, r.getLong(1) + 1);
          }
        }
      }
      int gone;
      try (PreparedStatement p = c.prepareStatement("DELETE FROM tandem_jobs WHERE finished_at IS NOT NULL AND finished_at < ?")) {
        p.setLong(1, cutoff);
        gone = p.executeUpdate();
      }
      // A map's settled chunks serve only its takeover: once it is final (or forgotten), they go.
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM tandem_map_chunks WHERE id NOT IN (SELECT id FROM tandem_jobs WHERE finished_at IS NULL)");
      }
      return gone;
    }
  }

  /** How many jobs the journal holds, finished or not. */
  public long count() throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM tandem_jobs")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static final String COLUMNS =
      "id, owner, job, state, submission, not_replayable, record, result, submitted_at, finished_at, recovered";

  private static Row row(ResultSet r) throws SQLException {
    long finished = r.getLong("finished_at");
    Long finishedAt = r.wasNull() ? null : finished;
    return new Row(r.getString("id"), r.getString("owner"), r.getString("job"), r.getString("state"),
        r.getBytes("submission"), r.getString("not_replayable"), r.getString("record"), r.getBytes("result"),
        r.getLong("submitted_at"), finishedAt, r.getInt("recovered"));
  }

  @Override
  public void close() {
    pool.close();
  }
}
