package tandem.node.owner;

import tandem.protocol.WorkerProtocol.Task;

/**
 * One chunk of a map: elements [offset, offset + count) of map {@code seq}, sent as one task;
 * started {@code attempts} times, and {@code memoryLosses} of those runs ran their worker out of
 * memory.
 */
record Chunk(long seq, int offset, int count, Task task, int attempts, int memoryLosses) {
  Chunk started() {
    return new Chunk(seq, offset, count, task, attempts + 1, memoryLosses);
  }
}
