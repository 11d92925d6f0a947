package cimir.ir;

import cimir.diag.DiagnosticEngine;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The one declarative definition of an op: named operands and results with type constraints,
 * attributes with constraints, regions, successors, traits, documentation, an optional custom
 * verifier that adds checks, and the typed view class. The generic verifier, `--list-ops` and
 * the generated dialect documentation all read this.
 */
public final class OpDef {
  /** How many values an operand or result slot takes. */
  public enum Arity { SINGLE, OPTIONAL, VARIADIC }

  /** A named operand or result slot. */
  public record ValueDef(String name, TypeConstraint constraint, Arity arity) {}

  /** A named attribute with its constraint; `required` unless optional or defaulted. */
  public record AttrDef(String name, AttrConstraint constraint, boolean required,
      Attribute defaultValue, String doc) {}

  /** Checks an op beyond what the definition states; reports through the engine. */
  @FunctionalInterface
  public interface Verifier {
    void verify(Operation op, DiagnosticEngine diag);

    /**
     * The check of a region op whose single region ends in `yieldOp`, yielding values typed as
     * the op's results.
     */
    static Verifier yieldsResults(String yieldOp) {
      return (op, diag) -> {
        Operation last = op.region(0).isEmpty() ? null : op.region(0).entryBlock().last();
        if (last == null || !last.name().equals(yieldOp)) {
          diag.opError(op, "expects its body to end in '" + yieldOp + "'");
        } else if (!last.operandTypes().equals(op.resultTypes())) {
          diag.opError(op, "yields " + last.numOperands() + " value(s) whose types differ from"
              + " its " + op.numResults() + " result(s)");
        }
      };
    }
  }

  private final String name;
  private final String summary;
  private final String description;
  private final List<ValueDef> operands;
  private final List<ValueDef> results;
  private final List<AttrDef> attributes;
  private final int numRegions;
  private final boolean variadicRegions;
  private final int numSuccessors;
  private final boolean variadicSuccessors;
  private final Set<Trait> traits;
  private final Verifier verifier;
  private final Class<?> view;
  private final Function<Operation, ?> wrap;
  private final boolean inherentAttrsAreProperties;

  private OpDef(Builder b) {
    this.name = b.name;
    this.summary = b.summary;
    this.description = b.description;
    this.operands = List.copyOf(b.operands);
    this.results = List.copyOf(b.results);
    this.attributes = List.copyOf(b.attributes);
    this.numRegions = b.numRegions;
    this.variadicRegions = b.variadicRegions;
    this.numSuccessors = b.numSuccessors;
    this.variadicSuccessors = b.variadicSuccessors;
    this.traits = b.traits;
    this.verifier = b.verifier;
    this.view = b.view;
    this.wrap = b.wrap;
    this.inherentAttrsAreProperties = b.inherentAttrsAreProperties;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public String dialect() {
    return name.substring(0, name.indexOf('.'));
  }

  public String summary() {
    return summary;
  }

  public String description() {
    return description;
  }

  public List<ValueDef> operands() {
    return operands;
  }

  public List<ValueDef> results() {
    return results;
  }

  public List<AttrDef> attributes() {
    return attributes;
  }

  public int numRegions() {
    return numRegions;
  }

  public boolean variadicRegions() {
    return variadicRegions;
  }

  public int numSuccessors() {
    return numSuccessors;
  }

  public boolean variadicSuccessors() {
    return variadicSuccessors;
  }

  public Set<Trait> traits() {
    return traits;
  }

  public Verifier verifier() {
    return verifier;
  }

  public Class<?> view() {
    return view;
  }

  /** Wraps an op in its typed view, or returns the op itself when there is none. */
  public Object wrap(Operation op) {
    return wrap == null ? op : wrap.apply(op);
  }

  /** Whether declared attributes live in the properties `<{...}>` (as MLIR's builtin ops do). */
  public boolean inherentAttrsAreProperties() {
    return inherentAttrsAreProperties;
  }

  public AttrDef attribute(String attrName) {
    for (AttrDef a : attributes) {
      if (a.name().equals(attrName)) {
        return a;
      }
    }
    return null;
  }

  /** Builds an {@link OpDef}. */
  public static final class Builder {
    private final String name;
    private String summary = "";
    private String description = "";
    private final List<ValueDef> operands = new ArrayList<>();
    private final List<ValueDef> results = new ArrayList<>();
    private final List<AttrDef> attributes = new ArrayList<>();
    private int numRegions;
    private boolean variadicRegions;
    private int numSuccessors;
    private boolean variadicSuccessors;
    private final Set<Trait> traits = EnumSet.noneOf(Trait.class);
    private Verifier verifier;
    private Class<?> view;
    private Function<Operation, ?> wrap;
    private boolean inherentAttrsAreProperties;

    private Builder(String name) {
      this.name = name;
    }

    public Builder summary(String text) {
      this.summary = text;
      return this;
    }

    public Builder description(String text) {
      this.description = text;
      return this;
    }

    public Builder operand(String slot, TypeConstraint c) {
      operands.add(new ValueDef(slot, c, Arity.SINGLE));
      return this;
    }

    public Builder optionalOperand(String slot, TypeConstraint c) {
      operands.add(new ValueDef(slot, c, Arity.OPTIONAL));
      return this;
    }

    public Builder variadicOperand(String slot, TypeConstraint c) {
      operands.add(new ValueDef(slot, c, Arity.VARIADIC));
      return this;
    }

    public Builder result(String slot, TypeConstraint c) {
      results.add(new ValueDef(slot, c, Arity.SINGLE));
      return this;
    }

    public Builder variadicResult(String slot, TypeConstraint c) {
      results.add(new ValueDef(slot, c, Arity.VARIADIC));
      return this;
    }

    public Builder attr(String attrName, AttrConstraint c, String doc) {
      attributes.add(new AttrDef(attrName, c, true, null, doc));
      return this;
    }

    public Builder optionalAttr(String attrName, AttrConstraint c, String doc) {
      attributes.add(new AttrDef(attrName, c, false, null, doc));
      return this;
    }

    public Builder defaultedAttr(String attrName, AttrConstraint c, Attribute value, String doc) {
      attributes.add(new AttrDef(attrName, c, false, value, doc));
      return this;
    }

    public Builder regions(int n) {
      this.numRegions = n;
      return this;
    }

    public Builder variadicRegions() {
      this.variadicRegions = true;
      return this;
    }

    public Builder successors(int n) {
      this.numSuccessors = n;
      return this;
    }

    public Builder variadicSuccessors() {
      this.variadicSuccessors = true;
      return this;
    }

    public Builder traits(Trait... ts) {
      traits.addAll(List.of(ts));
      return this;
    }

    public Builder verifier(Verifier v) {
      this.verifier = v;
      return this;
    }

    public <T> Builder view(Class<T> viewClass, Function<Operation, T> wrapper) {
      this.view = viewClass;
      this.wrap = wrapper;
      return this;
    }

    public Builder inherentAttrsAreProperties() {
      this.inherentAttrsAreProperties = true;
      return this;
    }

    public OpDef build() {
      return new OpDef(this);
    }
  }
}
