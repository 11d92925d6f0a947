package cimir.dialect.isa;

/**
 * The function codes of VEC_OP that cimir's lowering emits and its simulator runs: CIMFlow's,
 * then cimir's own from 18 (docs/design/meta-to-isa.md, 8.4 and 14). The names are
 * {@link Instruction#functNames()} of {@link Instruction#VEC_OP}.
 */
public final class VecFunct {
  private VecFunct() {}

  public static final int VEC_ADD = 0;
  public static final int VEC_MUL = 2;
  public static final int VEC_QUANTIZE = 3;
  public static final int VEC_RESADD_QUANTIZE = 4;
  public static final int VEC_RESMUL_QUANTIZE = 5;
  public static final int VVMAX = 6;
  public static final int VSMUL = 7;
  public static final int VSET = 9;
  public static final int SOFTMAX = 10;
  public static final int VS_DIV = 14;
  public static final int LUT = 18;
  public static final int DEQUANTIZE = 19;
  public static final int QUANTIZE_F = 20;
  public static final int LAYER_NORM = 21;
}
