package cimir.ir;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Bit-exact floating-point conversions for the IR's float formats: decimal text to the nearest
 * value (ties to even), raw bits to double, and MLIR's printing of float literals (a port of
 * LLVM's APFloat::toString and MLIR's printFloatValue, so that the printer matches mlir-opt).
 */
public final class FloatFormat {
  private FloatFormat() {}

  /** A decoded finite value: (-1)^negative * significand * 2^exponent. */
  private record Decoded(boolean negative, BigInteger significand, int exponent) {}

  private static int mantissaBits(Type.FloatKind kind) {
    return kind.precision - 1;
  }

  private static int bias(Type.FloatKind kind) {
    return (1 << (kind.exponentBits - 1)) - 1;
  }

  private static int exponentField(BigInteger bits, Type.FloatKind kind) {
    return bits.shiftRight(mantissaBits(kind)).intValue() & ((1 << kind.exponentBits) - 1);
  }

  public static boolean isNegative(BigInteger bits, Type.FloatKind kind) {
    return bits.testBit(kind.width() - 1);
  }

  public static boolean isInfOrNan(BigInteger bits, Type.FloatKind kind) {
    return exponentField(bits, kind) == (1 << kind.exponentBits) - 1;
  }

  private static Decoded decode(BigInteger bits, Type.FloatKind kind) {
    int m = mantissaBits(kind);
    BigInteger mantissa = bits.and(BigInteger.ONE.shiftLeft(m).subtract(BigInteger.ONE));
    int e = exponentField(bits, kind);
    boolean negative = isNegative(bits, kind);
    if (e == 0) {
      return new Decoded(negative, mantissa, 1 - bias(kind) - m);
    }
    return new Decoded(negative, mantissa.setBit(m), e - bias(kind) - m);
  }

  /** The value of `bits` as a double (exact for every supported format). */
  public static double toDouble(BigInteger bits, Type.FloatKind kind) {
    switch (kind) {
      case F64:
        return Double.longBitsToDouble(bits.longValue());
      case F32:
        return Float.intBitsToFloat(bits.intValue());
      default:
        break;
    }
    boolean negative = isNegative(bits, kind);
    if (isInfOrNan(bits, kind)) {
      boolean nan = bits.and(BigInteger.ONE.shiftLeft(mantissaBits(kind)).subtract(BigInteger.ONE))
          .signum() != 0;
      return nan ? Double.NaN : negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    Decoded d = decode(bits, kind);
    double v = Math.scalb(d.significand.doubleValue(), d.exponent);
    return negative ? -v : v;
  }

  /** The bits of `value` rounded to `kind` (ties to even). */
  public static BigInteger fromDouble(double value, Type.FloatKind kind) {
    if (kind == Type.FloatKind.F64) {
      return new BigInteger(Long.toUnsignedString(Double.doubleToRawLongBits(value)));
    }
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      int m = mantissaBits(kind);
      BigInteger bits = BigInteger.ONE.shiftLeft(kind.exponentBits).subtract(BigInteger.ONE)
          .shiftLeft(m);
      if (Double.isNaN(value)) {
        bits = bits.setBit(m - 1);
      }
      return value < 0 ? bits.setBit(kind.width() - 1) : bits;
    }
    boolean negative = value < 0 || (value == 0 && 1 / value < 0);
    return round(new BigDecimal(Math.abs(value)), negative, kind);
  }

  /** Parses a decimal literal (`-1.5e3`) to the nearest value of `kind`, ties to even. */
  public static BigInteger parse(String text, Type.FloatKind kind) {
    // Java's parsers round correctly (to nearest, ties to even), as APFloat does.
    if (kind == Type.FloatKind.F64) {
      return fromDouble(Double.parseDouble(text), kind);
    }
    if (kind == Type.FloatKind.F32) {
      return BigInteger.valueOf(Float.floatToRawIntBits(Float.parseFloat(text)) & 0xffffffffL);
    }
    boolean negative = text.startsWith("-");
    BigDecimal v = new BigDecimal(negative || text.startsWith("+") ? text.substring(1) : text);
    return round(v, negative, kind);
  }

  private static BigInteger round(BigDecimal v, boolean negative, Type.FloatKind kind) {
    BigInteger sign = negative ? BigInteger.ONE.shiftLeft(kind.width() - 1) : BigInteger.ZERO;
    if (v.signum() == 0) {
      return sign;
    }
    BigInteger num;
    BigInteger den;
    if (v.scale() > 0) {
      num = v.unscaledValue();
      den = BigInteger.TEN.pow(v.scale());
    } else {
      num = v.unscaledValue().multiply(BigInteger.TEN.pow(-v.scale()));
      den = BigInteger.ONE;
    }
    int p = kind.precision;
    int emin = 1 - bias(kind);
    int emax = bias(kind);
    // e such that 2^e <= v < 2^(e+1).
    int e = num.bitLength() - den.bitLength();
    if (compareScaled(num, den, e) < 0) {
      e--;
    }
    int exp = Math.max(e, emin);
    int shift = exp - (p - 1);
    BigInteger n2 = shift < 0 ? num.shiftLeft(-shift) : num;
    BigInteger d2 = shift > 0 ? den.shiftLeft(shift) : den;
    BigInteger[] qr = n2.divideAndRemainder(d2);
    BigInteger q = qr[0];
    int c = qr[1].shiftLeft(1).compareTo(d2);
    if (c > 0 || (c == 0 && q.testBit(0))) {
      q = q.add(BigInteger.ONE);
    }
    if (q.bitLength() > p) {
      q = q.shiftRight(1);
      exp++;
    }
    if (exp > emax) {
      return sign.or(BigInteger.ONE.shiftLeft(kind.exponentBits).subtract(BigInteger.ONE)
          .shiftLeft(p - 1));
    }
    int m = p - 1;
    if (!q.testBit(m)) {
      return sign.or(q); // subnormal or zero
    }
    BigInteger field = BigInteger.valueOf(exp + bias(kind)).shiftLeft(m);
    return sign.or(field).or(q.clearBit(m));
  }

  /** Compares num/den with 2^e. */
  private static int compareScaled(BigInteger num, BigInteger den, int e) {
    return e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
  }

  /**
   * MLIR's float literal: `1.500000e+00` when six digits round-trip, else APFloat's shortest
   * round-tripping form when it has a '.', else the hexadecimal bit pattern (`0x7FC00000`).
   */
  public static String print(BigInteger bits, Type.FloatKind kind) {
    return printReportingHex(bits, kind)[0];
  }

  /** As {@link #print}, returning {text, "hex"} when the hexadecimal form was used. */
  public static String[] printReportingHex(BigInteger bits, Type.FloatKind kind) {
    if (!isInfOrNan(bits, kind)) {
      String s = toString(bits, kind, 6, 0, false);
      if (parse(s, kind).equals(bits)) {
        return new String[] {s, null};
      }
      s = toString(bits, kind, 0, 3, true);
      if (s.indexOf('.') >= 0) {
        return new String[] {s, null};
      }
    }
    return new String[] {"0x" + bits.toString(16).toUpperCase(), "hex"};
  }

  /** A port of APFloat::toString for finite values. */
  static String toString(BigInteger bits, Type.FloatKind kind, int formatPrecision,
      int formatMaxPadding, boolean truncateZero) {
    StringBuilder out = new StringBuilder();
    Decoded d = decode(bits, kind);
    if (d.significand.signum() == 0) {
      if (d.negative) {
        out.append('-');
      }
      if (formatMaxPadding == 0) {
        if (truncateZero) {
          out.append("0.0E+0");
        } else {
          out.append("0.0");
          if (formatPrecision > 1) {
            out.append("0".repeat(formatPrecision - 1));
          }
          out.append("e+00");
        }
      } else {
        out.append('0');
      }
      return out.toString();
    }
    if (d.negative) {
      out.append('-');
    }
    int semanticsPrecision = kind.precision;
    if (formatPrecision == 0) {
      formatPrecision = 2 + semanticsPrecision * 59 / 196;
    }
    BigInteger significand = d.significand;
    int exp = d.exponent;
    int trailingZeros = significand.getLowestSetBit();
    exp += trailingZeros;
    significand = significand.shiftRight(trailingZeros);
    if (exp > 0) {
      significand = significand.shiftLeft(exp);
      exp = 0;
    } else if (exp < 0) {
      significand = significand.multiply(BigInteger.valueOf(5).pow(-exp));
    }
    // Coarse truncation of whole decimal digits, as APFloat does before rounding.
    int bitsActive = significand.bitLength();
    int bitsRequired = (formatPrecision * 196 + 58) / 59;
    if (bitsActive > bitsRequired) {
      int tensRemovable = (bitsActive - bitsRequired) * 59 / 196;
      if (tensRemovable > 0) {
        exp += tensRemovable;
        significand = significand.divide(BigInteger.TEN.pow(tensRemovable));
      }
    }
    // Digits, least significant first, without trailing zeros.
    String all = significand.toString();
    StringBuilder buffer = new StringBuilder();
    boolean inTrail = true;
    for (int i = all.length() - 1; i >= 0; i--) {
      char c = all.charAt(i);
      if (inTrail && c == '0') {
        exp++;
      } else {
        buffer.append(c);
        inTrail = false;
      }
    }
    int[] expRef = {exp};
    adjustToPrecision(buffer, expRef, formatPrecision);
    exp = expRef[0];
    int nDigits = buffer.length();
    boolean scientific;
    if (formatMaxPadding == 0) {
      scientific = true;
    } else if (exp >= 0) {
      scientific = exp > formatMaxPadding || nDigits + exp > formatPrecision;
    } else {
      int msd = exp + nDigits - 1;
      scientific = msd < 0 && -msd > formatMaxPadding;
    }
    if (scientific) {
      exp += nDigits - 1;
      out.append(buffer.charAt(nDigits - 1)).append('.');
      if (nDigits == 1 && truncateZero) {
        out.append('0');
      } else {
        for (int i = 1; i != nDigits; i++) {
          out.append(buffer.charAt(nDigits - 1 - i));
        }
      }
      if (!truncateZero && formatPrecision > nDigits - 1) {
        out.append("0".repeat(formatPrecision - nDigits + 1));
      }
      out.append(truncateZero ? 'E' : 'e');
      out.append(exp >= 0 ? '+' : '-');
      String digits = Integer.toString(Math.abs(exp));
      if (!truncateZero && digits.length() < 2) {
        digits = "0" + digits;
      }
      return out.append(digits).toString();
    }
    if (exp >= 0) {
      for (int i = 0; i != nDigits; i++) {
        out.append(buffer.charAt(nDigits - 1 - i));
      }
      return out.append("0".repeat(exp)).toString();
    }
    int wholeDigits = exp + nDigits;
    int i = 0;
    if (wholeDigits > 0) {
      for (; i != wholeDigits; i++) {
        out.append(buffer.charAt(nDigits - i - 1));
      }
      out.append('.');
    } else {
      out.append("0.").append("0".repeat(-wholeDigits));
    }
    for (; i != nDigits; i++) {
      out.append(buffer.charAt(nDigits - i - 1));
    }
    return out.toString();
  }

  /** Rounds the reversed digit buffer half-up to `precision` digits, as APFloat does. */
  private static void adjustToPrecision(StringBuilder buffer, int[] exp, int precision) {
    int n = buffer.length();
    if (n <= precision) {
      return;
    }
    int firstSignificant = n - precision;
    if (buffer.charAt(firstSignificant - 1) < '5') {
      while (firstSignificant < n && buffer.charAt(firstSignificant) == '0') {
        firstSignificant++;
      }
      exp[0] += firstSignificant;
      buffer.delete(0, firstSignificant);
      return;
    }
    for (int i = firstSignificant; i != n; i++) {
      if (buffer.charAt(i) == '9') {
        firstSignificant++;
      } else {
        buffer.setCharAt(i, (char) (buffer.charAt(i) + 1));
        break;
      }
    }
    if (firstSignificant == n) {
      exp[0] += firstSignificant;
      buffer.setLength(0);
      buffer.append('1');
      return;
    }
    exp[0] += firstSignificant;
    buffer.delete(0, firstSignificant);
  }
}
