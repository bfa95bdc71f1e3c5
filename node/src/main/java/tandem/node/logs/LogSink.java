package tandem.node.logs;

/** Where a job's output goes: bytes, each tagged with the element of a map that wrote them (or -1). */
public interface LogSink {
  void write(long element, byte[] bytes, int offset, int length);
}
