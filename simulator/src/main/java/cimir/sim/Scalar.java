package cimir.sim;

/**
 * The scalar functions of SC_RR and SC_RI and the branch conditions, shared by the functional
 * and timing simulators.
 */
public final class Scalar {
  private Scalar() {}

  /** Whether BEQ, BNE, BGT or BLT (`kind`) branches on signed `a` and `b`. */
  public static boolean taken(cimir.dialect.isa.Instruction kind, int a, int b) {
    return switch (kind) {
      case BEQ -> a == b;
      case BNE -> a != b;
      case BGT -> a > b;
      default -> a < b;
    };
  }

  /**
   * A scalar function on 32-bit integers: ADD 0, SUB 1, MUL 2, DIV 3, SLL 4, SRL 5, SRA 6,
   * MOD 7, MIN 8, MAX 9, AND 10, OR 11, EQ 12, NE 13, GT 14, LT 15. Sums and products wrap;
   * DIV and MOD truncate toward zero, as in C; shifts take the amount's low five bits.
   */
  public static int apply(int funct, int x, int y) throws Fault {
    return switch (funct) {
      case 0 -> x + y;
      case 1 -> x - y;
      case 2 -> x * y;
      case 3, 7 -> {
        if (y == 0) {
          throw new Fault((funct == 3 ? "division" : "remainder") + " by zero");
        }
        yield funct == 3 ? x / y : x % y;
      }
      case 4 -> x << y;
      case 5 -> x >>> y;
      case 6 -> x >> y;
      case 8 -> Math.min(x, y);
      case 9 -> Math.max(x, y);
      case 10 -> x & y;
      case 11 -> x | y;
      case 12 -> x == y ? 1 : 0;
      case 13 -> x != y ? 1 : 0;
      case 14 -> x > y ? 1 : 0;
      case 15 -> x < y ? 1 : 0;
      default -> throw new Fault("scalar function " + funct + " does not exist");
    };
  }
}
