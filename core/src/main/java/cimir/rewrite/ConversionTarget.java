package cimir.rewrite;

import cimir.ir.Operation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which ops are legal after a conversion: legal and illegal dialects and ops, and ops whose
 * legality depends on the op itself (dynamically legal). An op the target does not mention is
 * unknown: kept by a partial conversion, an error for a full one.
 */
public final class ConversionTarget {
  /** The verdict for one op. */
  public enum Legality { LEGAL, ILLEGAL, UNKNOWN }

  private final Set<String> legalDialects = new HashSet<>();
  private final Set<String> illegalDialects = new HashSet<>();
  private final Set<String> legalOps = new HashSet<>();
  private final Set<String> illegalOps = new HashSet<>();
  private final Map<String, Predicate<Operation>> dynamic = new HashMap<>();

  public ConversionTarget addLegalDialect(String... names) {
    legalDialects.addAll(Set.of(names));
    return this;
  }

  public ConversionTarget addIllegalDialect(String... names) {
    illegalDialects.addAll(Set.of(names));
    return this;
  }

  public ConversionTarget addLegalOp(String... names) {
    legalOps.addAll(Set.of(names));
    return this;
  }

  public ConversionTarget addIllegalOp(String... names) {
    illegalOps.addAll(Set.of(names));
    return this;
  }

  /** `name` is legal exactly when `legal` holds for the op. */
  public ConversionTarget addDynamicallyLegalOp(String name, Predicate<Operation> legal) {
    dynamic.put(name, legal);
    return this;
  }

  public Legality legality(Operation op) {
    Predicate<Operation> d = dynamic.get(op.name());
    if (d != null) {
      return d.test(op) ? Legality.LEGAL : Legality.ILLEGAL;
    }
    if (legalOps.contains(op.name())) {
      return Legality.LEGAL;
    }
    if (illegalOps.contains(op.name())) {
      return Legality.ILLEGAL;
    }
    if (legalDialects.contains(op.dialect())) {
      return Legality.LEGAL;
    }
    if (illegalDialects.contains(op.dialect())) {
      return Legality.ILLEGAL;
    }
    return Legality.UNKNOWN;
  }
}
