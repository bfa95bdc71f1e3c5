package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The elements of a map whose inputs come after it is accepted, uploaded as JSON lines with
 * {@code PUT /jobs/{id}/inputs} ({@code "inputs": "upload"} in the submission; the CLI's {@code
 * --inputs FILE} and {@code --inputs -}). Empty when submitted: its {@link MapRun} takes the
 * elements as the upload brings them, only as fast as it sends them to workers, so an input of
 * any length is never held whole.
 */
public final class UploadedElements extends AbstractList<ObjectNode> implements RandomAccess {
  /** The one value: the elements are to come. */
  public static final UploadedElements LATER = new UploadedElements();

  private UploadedElements() {}

  @Override
  public ObjectNode get(int index) {
    throw new IndexOutOfBoundsException(index);
  }

  @Override
  public int size() {
    return 0;
  }
}
