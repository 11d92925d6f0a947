package cimir.ir;

/**
 * The extension point for dialect attributes (`#dialect.name<...>`). A dialect's own attributes
 * implement this; an attribute of a dialect cimir does not know stays an {@link OpaqueAttr}.
 */
public non-sealed interface DialectAttribute extends Attribute {
  /** The dialect namespace, e.g. `hw`. */
  String dialect();

  /** The text after `#`, e.g. `hw.arch<"cimflow">`, as the printer writes it. */
  String body();
}
