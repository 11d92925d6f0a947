package cimir.diag;

/** How serious a diagnostic is; the names are those printed after the location. */
public enum Severity {
  ERROR("error"), WARNING("warning"), NOTE("note"), REMARK("remark");

  public final String label;

  Severity(String label) {
    this.label = label;
  }
}
