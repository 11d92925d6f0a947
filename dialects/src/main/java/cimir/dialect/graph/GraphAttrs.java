package cimir.dialect.graph;

import cimir.ir.Attribute;
import cimir.ir.Attribute.DictionaryAttr;
import cimir.ir.FloatFormat;

/** Reads graph-op attributes by name with their ONNX defaults, from an op or a dictionary. */
public record GraphAttrs(DictionaryAttr dict) {
  public Attribute get(String name) {
    return dict.get(name);
  }

  public boolean has(String name) {
    return dict.get(name) != null;
  }

  /** An `array<i64: ...>` attribute, or `fallback` when absent. */
  public long[] ints(String name, long[] fallback) {
    return dict.get(name) instanceof Attribute.DenseArrayAttr a ? a.longValues() : fallback;
  }

  /** An integer attribute, or `fallback` when absent. */
  public long i64(String name, long fallback) {
    return dict.get(name) instanceof Attribute.IntegerAttr i ? i.value().longValue() : fallback;
  }

  /** A float attribute, or `fallback` when absent. */
  public double f(String name, double fallback) {
    return dict.get(name) instanceof Attribute.FloatAttr f ? toDouble(f) : fallback;
  }

  /** A string attribute, or `fallback` when absent. */
  public String str(String name, String fallback) {
    return dict.get(name) instanceof Attribute.StringAttr s ? s.value() : fallback;
  }

  /** The value of a float attribute of any float type. */
  public static double toDouble(Attribute.FloatAttr f) {
    return FloatFormat.toDouble(f.bits(), f.type().kind());
  }

  public static Attribute.IntegerAttr i64(long value) {
    return Attribute.IntegerAttr.i64(value);
  }

  public static Attribute.FloatAttr f32(double value) {
    return Attribute.FloatAttr.f32((float) value);
  }

  public static Attribute.DenseArrayAttr ints(long... values) {
    return Attribute.DenseArrayAttr.i64(values);
  }
}
