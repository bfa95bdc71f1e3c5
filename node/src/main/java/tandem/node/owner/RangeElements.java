package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractList;
import java.util.RandomAccess;
import tandem.protocol.api.Json;

/**
 * A map's elements {@code {key: from}, {key: from + step}, ...} as a list that makes each element
 * only when it is asked for: a range of ten million elements costs a node four numbers, and its
 * {@link MapRun} makes the elements of a chunk when it sends that chunk.
 */
public final class RangeElements extends AbstractList<ObjectNode> implements RandomAccess {
  private final String key;
  private final long from;
  private final long step;
  private final int count;

  /** @param count how many elements, worked out by the caller without overflow */
  public RangeElements(String key, long from, long step, int count) {
    this.key = key;
    this.from = from;
    this.step = step;
    this.count = count;
  }

  @Override
  public ObjectNode get(int index) {
    if (index < 0 || index >= count) {
      throw new IndexOutOfBoundsException(index);
    }
    return Json.object().put(key, from + index * step);
  }

  public String key() {
    return key;
  }

  public long from() {
    return from;
  }

  public long step() {
    return step;
  }

  @Override
  public int size() {
    return count;
  }
}
