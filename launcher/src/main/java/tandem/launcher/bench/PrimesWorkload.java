package tandem.launcher.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tandem.protocol.api.Json;

/**
 * The CPU-bound workload: count the primes below {@code below} by trial division, as blocks of
 * 10,000 numbers dealt round-robin into {@code chunks} chunks. Trial division costs more the
 * larger the numbers, so dealing the blocks out (rather than cutting the range into equal spans)
 * gives chunks of near-equal cost: the layout the peer benchmarks call balanced.
 */
record PrimesWorkload(long below, int chunks) {
  static final long BLOCK = 10_000;

  PrimesWorkload {
    if (chunks < 1 || below < 1 || below % (BLOCK * chunks) != 0) {
      throw new IllegalArgumentException("primes below " + below + " do not split into " + chunks + " chunks of whole blocks");
    }
  }

  /** The workload of about {@code below} numbers, rounded up so that every chunk gets as many whole blocks. */
  static PrimesWorkload about(long below, int chunks) {
    long unit = BLOCK * chunks;
    return new PrimesWorkload(Math.max(1, (below + unit - 1) / unit) * unit, chunks);
  }

  int perChunk() {
    return (int) (blocks() / chunks);
  }

  long blocks() {
    return below / BLOCK;
  }

  /** A map body: the blocks in chunk order, so that consecutive elements form one balanced chunk. */
  ObjectNode map(int chunk) {
    ObjectNode body = Json.object();
    ArrayNode inputs = body.putArray("inputs");
    long blocks = blocks();
    for (int c = 0; c < chunks; c++) {
      for (long j = c; j < blocks; j += chunks) {
        inputs.addObject().put("from", j * BLOCK).put("to", (j + 1) * BLOCK);
      }
    }
    body.put("chunk", chunk);
    body.put("reduce", "sum");
    return body;
  }
}
