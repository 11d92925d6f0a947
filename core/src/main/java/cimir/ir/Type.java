package cimir.ir;

import java.util.List;

/**
 * An immutable IR type with structural equality. Builtin types are records nested here; dialects
 * add their own types through {@link DialectType}.
 */
public sealed interface Type permits Type.IntegerType, Type.FloatType, Type.IndexType,
    Type.NoneType, Type.ShapedType, Type.ComplexType, Type.TupleType, Type.FunctionType,
    DialectType {

  /** The marker of a dynamic dimension (`?`), as in MLIR. */
  long DYNAMIC = Long.MIN_VALUE;

  /** Signedness semantics of an integer type. */
  enum Signedness { SIGNLESS, SIGNED, UNSIGNED }

  /** `iN`, `siN`, `uiN`. */
  record IntegerType(int width, Signedness signedness) implements Type {
    public static final IntegerType I1 = new IntegerType(1, Signedness.SIGNLESS);
    public static final IntegerType I8 = new IntegerType(8, Signedness.SIGNLESS);
    public static final IntegerType I32 = new IntegerType(32, Signedness.SIGNLESS);
    public static final IntegerType I64 = new IntegerType(64, Signedness.SIGNLESS);

    public static IntegerType signless(int width) {
      return new IntegerType(width, Signedness.SIGNLESS);
    }

    public boolean isSignless() {
      return signedness == Signedness.SIGNLESS;
    }

    public boolean isUnsigned() {
      return signedness == Signedness.UNSIGNED;
    }
  }

  /** The IEEE and brain floating-point types. */
  record FloatType(FloatKind kind) implements Type {
    public static final FloatType F16 = new FloatType(FloatKind.F16);
    public static final FloatType BF16 = new FloatType(FloatKind.BF16);
    public static final FloatType F32 = new FloatType(FloatKind.F32);
    public static final FloatType F64 = new FloatType(FloatKind.F64);
  }

  /** The format of a floating-point type: its mnemonic, significand precision and exponent bits. */
  enum FloatKind {
    F16("f16", 11, 5), BF16("bf16", 8, 8), F32("f32", 24, 8), F64("f64", 53, 11);

    public final String mnemonic;
    /** Significand bits including the implicit leading one. */
    public final int precision;
    public final int exponentBits;

    FloatKind(String mnemonic, int precision, int exponentBits) {
      this.mnemonic = mnemonic;
      this.precision = precision;
      this.exponentBits = exponentBits;
    }

    /** Total storage width in bits. */
    public int width() {
      return precision + exponentBits;
    }
  }

  /** `index`. */
  record IndexType() implements Type {
    public static final IndexType INSTANCE = new IndexType();
  }

  /** `none`. */
  record NoneType() implements Type {
    public static final NoneType INSTANCE = new NoneType();
  }

  /** A type with an element type and, when ranked, a shape. */
  sealed interface ShapedType extends Type permits RankedTensorType, UnrankedTensorType, VectorType {
    Type elementType();

    /** The shape, or null when unranked. */
    List<Long> shapeOrNull();

    default boolean hasStaticShape() {
      List<Long> shape = shapeOrNull();
      return shape != null && !shape.contains(DYNAMIC);
    }

    /** The number of elements of a static shape. */
    default long numElements() {
      long n = 1;
      for (long d : shapeOrNull()) {
        n *= d;
      }
      return n;
    }
  }

  /** `tensor<2x?xf32>`, with an optional encoding attribute. */
  record RankedTensorType(List<Long> shape, Type elementType, Attribute encoding)
      implements ShapedType {
    public RankedTensorType {
      shape = List.copyOf(shape);
    }

    public RankedTensorType(List<Long> shape, Type elementType) {
      this(shape, elementType, null);
    }

    @Override
    public List<Long> shapeOrNull() {
      return shape;
    }
  }

  /** `tensor<*xf32>`. */
  record UnrankedTensorType(Type elementType) implements ShapedType {
    @Override
    public List<Long> shapeOrNull() {
      return null;
    }
  }

  /** `vector<4x4xf32>`. */
  record VectorType(List<Long> shape, Type elementType) implements ShapedType {
    public VectorType {
      shape = List.copyOf(shape);
    }

    @Override
    public List<Long> shapeOrNull() {
      return shape;
    }
  }

  /** `complex<f32>`. */
  record ComplexType(Type elementType) implements Type {}

  /** `tuple<i32, f32>`. */
  record TupleType(List<Type> types) implements Type {
    public TupleType {
      types = List.copyOf(types);
    }
  }

  /** `(i32, f32) -> i64`. */
  record FunctionType(List<Type> inputs, List<Type> results) implements Type {
    public FunctionType {
      inputs = List.copyOf(inputs);
      results = List.copyOf(results);
    }
  }
}
