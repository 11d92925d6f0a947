package cimir.isa;

/** What is wrong at a JSON path: `at $["3"][17].rd: expected an integer in 0..31`. */
public record JsonFault(JsonPath path, String message) {
  @Override
  public String toString() {
    return "at " + path + ": " + message;
  }
}
