package tandem.protocol;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a task wrote while it ran (its log lines, and what it printed to {@code System.out} and
 * {@code System.err}), as it travels from a worker to the node that owns the task: pieces of text,
 * each tagged with the position in the task's chunk of the element that wrote it (0 for a task of
 * one job), and how many bytes the worker dropped before them because the task wrote more than it
 * keeps. Carried as bytes in {@link WorkerProtocol.TaskResult} and {@link WorkerProtocol.TaskLogs},
 * so the wire needs no class of its own for it.
 */
public record TaskLog(long dropped, List<Piece> pieces) {

  /** Text the element at {@code position} of a chunk wrote, in the order written. */
  public record Piece(int position, String text) {}

  /** Thrown for bytes that are not a TaskLog (a worker of another build, or a bug). */
  public static final class MalformedLogException extends Exception {
    MalformedLogException(String message) {
      super(message);
    }
  }

  public boolean isEmpty() {
    return dropped == 0 && pieces.isEmpty();
  }

  /** As bytes: the dropped count, then each piece's position and UTF-8 text. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(dropped);
      out.writeInt(pieces.size());
      for (Piece piece : pieces) {
        byte[] text = piece.text().getBytes(StandardCharsets.UTF_8);
        out.writeInt(piece.position());
        out.writeInt(text.length);
        out.write(text);
      }
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return bytes.toByteArray();
  }

  /** Reads what {@link #encode} wrote, checking every length against what is there. */
  public static TaskLog decode(byte[] encoded) throws MalformedLogException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
      long dropped = in.readLong();
      int count = in.readInt();
      if (dropped < 0 || count < 0 || count > encoded.length) {
        throw new MalformedLogException("a task's log declares " + count + " pieces and " + dropped + " bytes dropped");
      }
      List<Piece> pieces = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int position = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
          throw new MalformedLogException("a task's log piece declares " + length + " bytes, and " + in.available() + " are left");
        }
        pieces.add(new Piece(position, new String(in.readNBytes(length), StandardCharsets.UTF_8)));
      }
      if (in.available() > 0) {
        throw new MalformedLogException("a task's log has " + in.available() + " bytes after its last piece");
      }
      return new TaskLog(dropped, pieces);
    } catch (IOException e) {
      throw new MalformedLogException("a task's log ends too soon: " + e);
    }
  }
}
