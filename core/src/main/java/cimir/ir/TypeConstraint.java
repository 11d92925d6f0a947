package cimir.ir;

import java.util.function.Predicate;

/**
 * A constraint on a type that writes its own message: `must be tensor of i8, but got 'f32'`.
 *
 * @param description what the constraint accepts, as it reads after "must be"
 */
public record TypeConstraint(String description, Predicate<Type> predicate) {
  public static final TypeConstraint ANY = new TypeConstraint("any type", t -> true);
  public static final TypeConstraint ANY_TENSOR =
      new TypeConstraint("tensor of any type values", t -> t instanceof Type.RankedTensorType
          || t instanceof Type.UnrankedTensorType);
  public static final TypeConstraint INDEX =
      new TypeConstraint("index", t -> t instanceof Type.IndexType);
  public static final TypeConstraint SIGNLESS_INTEGER =
      new TypeConstraint("signless integer", t -> t instanceof Type.IntegerType i && i.isSignless());
  public static final TypeConstraint FLOAT =
      new TypeConstraint("floating-point", t -> t instanceof Type.FloatType);

  public boolean accepts(Type t) {
    return predicate.test(t);
  }

  /** Exactly one type. */
  public static TypeConstraint exactly(Type type, String spelling) {
    return new TypeConstraint(spelling, type::equals);
  }

  /** Ranked or unranked tensors whose element type satisfies `element`. */
  public static TypeConstraint tensorOf(TypeConstraint element) {
    return new TypeConstraint("tensor of " + element.description + " values",
        t -> t instanceof Type.ShapedType s && !(t instanceof Type.VectorType)
            && element.accepts(s.elementType()));
  }

  /** Either constraint. */
  public TypeConstraint or(TypeConstraint other) {
    return new TypeConstraint(description + " or " + other.description,
        t -> accepts(t) || other.accepts(t));
  }
}
