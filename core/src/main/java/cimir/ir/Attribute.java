package cimir.ir;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable IR attribute with structural equality. Builtin attributes are nested here;
 * dialects add theirs through {@link DialectAttribute}.
 */
public sealed interface Attribute permits Attribute.IntegerAttr, Attribute.FloatAttr,
    Attribute.StringAttr, Attribute.UnitAttr, Attribute.ArrayAttr, Attribute.DictionaryAttr,
    Attribute.DenseArrayAttr, Attribute.DenseElementsAttr, Attribute.SymbolRefAttr,
    Attribute.TypeAttr, DialectAttribute {

  /** An integer of an integer or index type; `i1` integers are the booleans. */
  record IntegerAttr(BigInteger value, Type type) implements Attribute {
    public static IntegerAttr i64(long value) {
      return new IntegerAttr(BigInteger.valueOf(value), Type.IntegerType.I64);
    }

    public static IntegerAttr bool(boolean value) {
      return new IntegerAttr(value ? BigInteger.ONE : BigInteger.ZERO, Type.IntegerType.I1);
    }

    public long longValue() {
      return value.longValue();
    }
  }

  /** A floating-point value of a float type, kept as its raw bits in that type's format. */
  record FloatAttr(BigInteger bits, Type.FloatType type) implements Attribute {
    public static FloatAttr f64(double value) {
      return new FloatAttr(FloatFormat.fromDouble(value, Type.FloatKind.F64), Type.FloatType.F64);
    }

    public static FloatAttr f32(float value) {
      return new FloatAttr(BigInteger.valueOf(Float.floatToRawIntBits(value) & 0xffffffffL),
          Type.FloatType.F32);
    }

    /** The value as a double (exact for every format up to f64). */
    public double doubleValue() {
      return FloatFormat.toDouble(bits, type.kind());
    }
  }

  /**
   * A string. MLIR strings are bytes: each char of `bytes` is one byte (0-255). The optional
   * type is printed after the string when present.
   */
  record StringAttr(String bytes, Type type) implements Attribute {
    public static StringAttr of(String text) {
      return new StringAttr(Bytes.fromUtf8(text), null);
    }

    /** The string decoded as UTF-8. */
    public String value() {
      return Bytes.toUtf8(bytes);
    }
  }

  /** `unit`: present or absent. */
  record UnitAttr() implements Attribute {
    public static final UnitAttr INSTANCE = new UnitAttr();
  }

  /** `[a, b, c]`. */
  record ArrayAttr(List<Attribute> elements) implements Attribute {
    public ArrayAttr {
      elements = List.copyOf(elements);
    }
  }

  /** A name and an attribute; the entries of a dictionary. */
  record NamedAttribute(String name, Attribute value) {}

  /** `{a = 1, b}`: entries sorted by name, names unique. */
  record DictionaryAttr(List<NamedAttribute> entries) implements Attribute {
    public static final DictionaryAttr EMPTY = new DictionaryAttr(List.of());

    public DictionaryAttr {
      List<NamedAttribute> sorted = new ArrayList<>(entries);
      sorted.sort(Comparator.comparing(NamedAttribute::name));
      entries = List.copyOf(sorted);
    }

    public Attribute get(String name) {
      for (NamedAttribute e : entries) {
        if (e.name().equals(name)) {
          return e.value();
        }
      }
      return null;
    }

    public boolean isEmpty() {
      return entries.isEmpty();
    }

    /** A copy with `name` set to `value`, or removed when `value` is null. */
    public DictionaryAttr with(String name, Attribute value) {
      List<NamedAttribute> next = new ArrayList<>(entries.size() + 1);
      for (NamedAttribute e : entries) {
        if (!e.name().equals(name)) {
          next.add(e);
        }
      }
      if (value != null) {
        next.add(new NamedAttribute(name, value));
      }
      return new DictionaryAttr(next);
    }
  }

  /**
   * `array<i64: 1, 2>`: integers (values) or floats (raw bits) of one element type.
   */
  record DenseArrayAttr(Type elementType, List<BigInteger> values) implements Attribute {
    public DenseArrayAttr {
      values = List.copyOf(values);
    }

    public static DenseArrayAttr i64(long... values) {
      return new DenseArrayAttr(Type.IntegerType.I64,
          Arrays.stream(values).mapToObj(BigInteger::valueOf).toList());
    }

    public long[] longValues() {
      return values.stream().mapToLong(BigInteger::longValue).toArray();
    }
  }

  /**
   * `dense<...> : tensor<...>`: integer values or raw float bits, in row-major order; a splat
   * holds one value. For complex element types each element is two values.
   */
  record DenseElementsAttr(Type.ShapedType type, List<BigInteger> values, boolean splat)
      implements Attribute {
    public DenseElementsAttr {
      values = List.copyOf(values);
    }

    /**
     * Values for every element (or one element, a splat) in row-major order; stored as a splat
     * when all elements are equal, as MLIR does.
     */
    public static DenseElementsAttr of(Type.ShapedType type, List<BigInteger> values) {
      int per = type.elementType() instanceof Type.ComplexType ? 2 : 1;
      if (values.size() < per) {
        return new DenseElementsAttr(type, values, false);
      }
      for (int i = per; i < values.size(); i++) {
        if (!values.get(i).equals(values.get(i % per))) {
          return new DenseElementsAttr(type, values, false);
        }
      }
      return new DenseElementsAttr(type, values.subList(0, per), true);
    }

    public Type elementType() {
      return type.elementType();
    }
  }

  /** `@root::@nested`. */
  record SymbolRefAttr(String root, List<String> nested) implements Attribute {
    public SymbolRefAttr {
      nested = List.copyOf(nested);
    }

    public static SymbolRefAttr of(String root) {
      return new SymbolRefAttr(root, List.of());
    }
  }

  /** A type used as an attribute. */
  record TypeAttr(Type value) implements Attribute {}
}
