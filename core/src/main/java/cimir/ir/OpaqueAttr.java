package cimir.ir;

/** A dialect attribute kept verbatim: `#foo.bar<...>` where `text` is everything after `#`. */
public record OpaqueAttr(String text) implements DialectAttribute {
  @Override
  public String dialect() {
    return new OpaqueType(text).dialect();
  }

  @Override
  public String body() {
    return text;
  }
}
