package cimir.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Float printing and parsing; expected strings are what mlir-opt-19 prints for the values. */
class FloatFormatTest {
  private static String f64(double v) {
    return FloatFormat.print(new BigInteger(Long.toUnsignedString(Double.doubleToRawLongBits(v))),
        Type.FloatKind.F64);
  }

  private static String f32(float v) {
    return FloatFormat.print(BigInteger.valueOf(Float.floatToRawIntBits(v) & 0xffffffffL),
        Type.FloatKind.F32);
  }

  @Test
  void sixDigitFormWhenItRoundTrips() {
    assertEquals("1.500000e+00", f64(1.5));
    assertEquals("1.000000e-01", f64(0.1));
    assertEquals("-0.000000e+00", f64(-0.0));
    assertEquals("1.000000e-01", f32(0.1f));
  }

  @Test
  void naturalFormWhenSixDigitsLosePrecision() {
    assertEquals("3.14159274", f32((float) Math.PI));
    assertEquals("3.1415926500000002", f64(3.14159265));
    assertEquals("0.30000000000000004", f64(0.1 + 0.2));
    assertEquals("1.2345678901E-10", f64(1.2345678901e-10));
    assertEquals("1.7976931348623157E+308", f64(Double.MAX_VALUE));
  }

  @Test
  void hexWhenNoDecimalFormRoundTrips() {
    assertEquals("0x419D6F3454000000", f64(123456789.0));
    assertEquals("0x7FC00000", f32(Float.NaN));
    assertEquals("0xFFF0000000000000", f64(Double.NEGATIVE_INFINITY));
  }

  @Test
  void halfPrecisionRoundsToNearestEven() {
    // 65504 is the largest f16; 0.1 in bf16 is 0.10009765625.
    assertEquals("6.550400e+04", FloatFormat.print(FloatFormat.parse("65504", Type.FloatKind.F16),
        Type.FloatKind.F16));
    assertEquals("1.000980e-01", FloatFormat.print(FloatFormat.parse("0.1", Type.FloatKind.BF16),
        Type.FloatKind.BF16));
    // 2049 lies halfway between the f16 neighbours 2048 and 2050: ties go to even (2048).
    assertEquals(0x6800, FloatFormat.parse("2049", Type.FloatKind.F16).intValue());
    // 2051 lies halfway between 2050 (odd significand) and 2052 (even): it rounds to 2052.
    assertEquals(0x6802, FloatFormat.parse("2051", Type.FloatKind.F16).intValue());
  }

  @Test
  void parseMatchesJavaForF32AndF64() {
    for (String s : new String[] {"0.1", "1e-45", "3.4028235e38", "1.17549435e-38", "2.5"}) {
      assertEquals(Float.floatToRawIntBits(Float.parseFloat(s)),
          FloatFormat.parse(s, Type.FloatKind.F32).intValue(), s);
      assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)),
          FloatFormat.parse(s, Type.FloatKind.F64).longValue(), s);
      assertEquals(Double.doubleToRawLongBits(-Double.parseDouble(s)),
          FloatFormat.parse("-" + s, Type.FloatKind.F64).longValue(), s);
    }
  }
}
