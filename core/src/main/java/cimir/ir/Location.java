package cimir.ir;

import java.util.List;

/** Where an operation came from: a file position, a name, a call site, a fusion, or unknown. */
public sealed interface Location {
  /** `loc(unknown)`. */
  record Unknown() implements Location {
    public static final Unknown INSTANCE = new Unknown();
  }

  /** `loc("file":line:col)`, 1-based. */
  record FileLineCol(String file, int line, int column) implements Location {}

  /** `loc("name")` or `loc("name"(child))`. */
  record Name(String name, Location child) implements Location {}

  /** `loc(callsite(callee at caller))`. */
  record CallSite(Location callee, Location caller) implements Location {}

  /** `loc(fused[a, b])` with optional metadata. */
  record Fused(List<Location> locations, Attribute metadata) implements Location {
    public Fused {
      locations = List.copyOf(locations);
    }
  }

  /** The first file position inside this location, or null. */
  default FileLineCol filePosition() {
    if (this instanceof FileLineCol f) {
      return f;
    }
    if (this instanceof Name n && n.child() != null) {
      return n.child().filePosition();
    }
    if (this instanceof CallSite c) {
      return c.callee().filePosition();
    }
    if (this instanceof Fused f) {
      for (Location l : f.locations()) {
        FileLineCol p = l.filePosition();
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * The names inside this location, joined by ", " (a fused convolution and ReLU imported from
   * ONNX: "conv1, relu1"), or null when it names nothing.
   */
  default String names() {
    if (this instanceof Name n) {
      return n.name();
    }
    if (this instanceof CallSite c) {
      return c.callee().names();
    }
    if (this instanceof Fused f) {
      List<String> parts = f.locations().stream().map(Location::names)
          .filter(java.util.Objects::nonNull).toList();
      return parts.isEmpty() ? null : String.join(", ", parts);
    }
    return null;
  }
}
