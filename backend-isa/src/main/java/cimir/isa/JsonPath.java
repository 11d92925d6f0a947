package cimir.isa;

/** A JSON path in diagnostics: `$["3"][17].rd`. */
public record JsonPath(String text) {
  public static final JsonPath ROOT = new JsonPath("$");

  JsonPath key(String name) {
    return new JsonPath(text + "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"]");
  }

  JsonPath index(int i) {
    return new JsonPath(text + "[" + i + "]");
  }

  JsonPath field(String name) {
    return new JsonPath(text + "." + name);
  }

  @Override
  public String toString() {
    return text;
  }
}
