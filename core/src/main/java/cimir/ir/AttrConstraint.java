package cimir.ir;

import java.util.function.Predicate;

/**
 * A constraint on an attribute that writes its own message: `attribute 'strides' failed to
 * satisfy constraint: i64 dense array attribute`.
 */
public record AttrConstraint(String description, Predicate<Attribute> predicate) {
  public static final AttrConstraint ANY = new AttrConstraint("any attribute", a -> true);
  public static final AttrConstraint UNIT =
      new AttrConstraint("unit attribute", a -> a instanceof Attribute.UnitAttr);
  public static final AttrConstraint STRING =
      new AttrConstraint("string attribute", a -> a instanceof Attribute.StringAttr);
  public static final AttrConstraint I64 = new AttrConstraint("64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I64));
  public static final AttrConstraint BOOL = new AttrConstraint("bool attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(Type.IntegerType.I1));
  public static final AttrConstraint F32 = new AttrConstraint("32-bit float attribute",
      a -> a instanceof Attribute.FloatAttr f && f.type().equals(Type.FloatType.F32));
  public static final AttrConstraint DENSE_I64_ARRAY = new AttrConstraint(
      "i64 dense array attribute",
      a -> a instanceof Attribute.DenseArrayAttr d && d.elementType().equals(Type.IntegerType.I64));
  public static final AttrConstraint ARRAY =
      new AttrConstraint("array attribute", a -> a instanceof Attribute.ArrayAttr);
  public static final AttrConstraint DICTIONARY =
      new AttrConstraint("dictionary attribute", a -> a instanceof Attribute.DictionaryAttr);
  public static final AttrConstraint TYPE =
      new AttrConstraint("type attribute", a -> a instanceof Attribute.TypeAttr);
  public static final AttrConstraint FUNCTION_TYPE = new AttrConstraint(
      "type attribute of function type",
      a -> a instanceof Attribute.TypeAttr t && t.value() instanceof Type.FunctionType);
  public static final AttrConstraint SYMBOL_REF =
      new AttrConstraint("symbol reference attribute", a -> a instanceof Attribute.SymbolRefAttr);
  public static final AttrConstraint ELEMENTS =
      new AttrConstraint("constant vector/tensor attribute",
          a -> a instanceof Attribute.DenseElementsAttr);

  public boolean accepts(Attribute a) {
    return predicate.test(a);
  }

  /** A string attribute with one of the given values. */
  public static AttrConstraint stringEnum(String... values) {
    java.util.List<String> allowed = java.util.List.of(values);
    return new AttrConstraint("string attribute whose value is one of '"
        + String.join("', '", allowed) + "'",
        a -> a instanceof Attribute.StringAttr s && allowed.contains(s.value()));
  }
}
