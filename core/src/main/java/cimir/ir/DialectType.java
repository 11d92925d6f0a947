package cimir.ir;

/**
 * The extension point for dialect types (`!dialect.name<...>`). A dialect's own types implement
 * this; a type of a dialect cimir does not know stays an {@link OpaqueType}.
 */
public non-sealed interface DialectType extends Type {
  /** The dialect namespace, e.g. `hw`. */
  String dialect();

  /** The text after `!`, e.g. `hw.arch<cimflow>`, as the printer writes it. */
  String body();
}
