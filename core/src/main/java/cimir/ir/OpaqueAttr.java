package cimir.ir;

/**
 * A dialect attribute kept verbatim: `#foo.bar<...>` where `text` is everything after `#`, with
 * an optional type (`#foo.bar<1> : i32`).
 */
public record OpaqueAttr(String text, Type type) implements DialectAttribute {
  @Override
  public String dialect() {
    return new OpaqueType(text).dialect();
  }

  @Override
  public String body() {
    return text;
  }
}
