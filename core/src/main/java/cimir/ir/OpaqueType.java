package cimir.ir;

/** A dialect type kept verbatim: `!foo.bar<...>` where `text` is everything after `!`. */
public record OpaqueType(String text) implements DialectType {
  @Override
  public String dialect() {
    int dot = text.indexOf('.');
    int lt = text.indexOf('<');
    int end = dot >= 0 && (lt < 0 || dot < lt) ? dot : (lt >= 0 ? lt : text.length());
    return text.substring(0, end);
  }

  @Override
  public String body() {
    return text;
  }
}
