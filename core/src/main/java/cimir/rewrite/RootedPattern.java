package cimir.rewrite;

/** A rewrite pattern on one op name given at construction (one instance per root). */
public abstract class RootedPattern implements RewritePattern {
  private final String root;

  protected RootedPattern(String root) {
    this.root = root;
  }

  @Override
  public final String rootName() {
    return root;
  }
}
