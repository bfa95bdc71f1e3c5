package tandem.node.owner;

import tandem.protocol.WorkerProtocol.Task;

/**
 * One chunk of a map: elements [offset, offset + count) of map {@code seq}, sent as one task;
 * started {@code attempts} times (the last at {@code startedAt}, System.nanoTime), and {@code
 * memoryLosses} of those runs ran their worker out of memory.
 */
record Chunk(long seq, int offset, int count, Task task, int attempts, int memoryLosses, long startedAt) {
  Chunk(long seq, int offset, int count, Task task, int attempts, int memoryLosses) {
    this(seq, offset, count, task, attempts, memoryLosses, 0);
  }

  Chunk started(long now) {
    return new Chunk(seq, offset, count, task, attempts + 1, memoryLosses, now);
  }
}
