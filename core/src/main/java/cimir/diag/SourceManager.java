package cimir.diag;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The source buffers the IR was read from, so diagnostics can show the line and a caret. */
public final class SourceManager {
  private record Buffer(String text, int[] lineStarts) {}

  private final Map<String, Buffer> buffers = new HashMap<>();

  /** Registers `text` under `name`, replacing an earlier buffer of that name. */
  public void add(String name, String text) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    int[] lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    buffers.put(name, new Buffer(text, lineStarts));
  }

  public String text(String name) {
    Buffer b = buffers.get(name);
    return b == null ? null : b.text;
  }

  /** The text of 1-based `line` of buffer `name` without its newline, or null. */
  public String line(String name, int line) {
    Buffer b = buffers.get(name);
    if (b == null || line < 1 || line > b.lineStarts.length) {
      return null;
    }
    int start = b.lineStarts[line - 1];
    int end = line < b.lineStarts.length ? b.lineStarts[line] - 1 : b.text.length();
    if (end > start && b.text.charAt(end - 1) == '\r') {
      end--;
    }
    return b.text.substring(start, Math.max(start, end));
  }
}
