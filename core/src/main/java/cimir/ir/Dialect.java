package cimir.ir;

import java.util.List;

/** A namespace of ops: its name, a one-line summary and its op definitions. */
public interface Dialect {
  String name();

  String summary();

  List<OpDef> ops();

  /** Whether ops of this namespace that have no definition are accepted (as unregistered). */
  default boolean allowsUnknownOps() {
    return false;
  }
}
