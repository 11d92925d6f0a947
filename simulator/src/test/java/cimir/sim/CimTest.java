package cimir.sim;

import static cimir.sim.Asm.word;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Products on macro groups, accumulator read-out, mode switches and their faults, on weights
 * loaded by MEM_CPY from a global image and sums worked out by hand.
 */
class CimTest {
  /**
   * Loads the weights and inputs of {@link #productsOnTwoMacroGroups} from the global image of
   * {@link #twoGroupsImage} and sets groups 1 and 2 up for a product of 3 inputs on row
   * selection 1 (r13 inputs, r5 length, r6 row selection).
   */
  private static final String TWO_GROUPS = """
        # core 0
        G_LI r30, 1315968
        G_LI r10, 33024
        G_LI r3, 24
        MEM_CPY r30, r3, r10, 0
        G_LI r11, 37120
        G_LI r31, 1315992
        MEM_CPY r31, r3, r11, 0
        G_LI r12, 65792
        G_LI r31, 1316016
        MEM_CPY r31, r3, r12, 0
        G_LI r13, 786432
        G_LI r31, 1316040
        G_LI r4, 6
        MEM_CPY r31, r4, r13, 0
        S_LI s4, 2
        S_LI s9, 1
        S_LI s6, 3
        G_LI r5, 3
        G_LI r6, 1
        """;

  /** Weights of arrays 8, 9 and 16 at global bytes 0, 24 and 48, inputs at 72. */
  private static byte[] twoGroupsImage() {
    byte[] global = new byte[384];
    byte[][] weights = {
        {1, 2, 0, 0, 0, 0, 0, 0, 3, -4, 0, 0, 0, 0, 0, 0, -5, 6, 0, 0, 0, 0, 0, 0},
        {7, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 100}};
    for (int m = 0; m < 3; m++) {
      System.arraycopy(weights[m], 0, global, 24 * m, 24);
    }
    System.arraycopy(new byte[] {1, -2, 3, 4, 5, -6}, 0, global, 72, 6);
    return global;
  }

  /**
   * On cimflow (T = 8 macros of 32 rows x 8 columns, 16 row selections, 4096 bytes each):
   * groups 1 and 2 (s9 = 1, s4 = 2), group 2's inputs 3 bytes after group 1's (s6 = 3), row
   * selection 1. Weights (macro byte `1 x 256 + k x 8 + j`):
   * array 8 (group 1, macro 0): k0 = [1, 2], k1 = [3, -4], k2 = [-5, 6] in columns 0, 1;
   * array 9 (group 1, macro 1): column 0 = [7, -1, 0];
   * array 16 (group 2, macro 0): column 0 = [2, 1, -1], column 7 = [0, 0, 100].
   * Inputs x = [1, -2, 3] (group 1) and y = [4, 5, -6] (group 2). Sums of one product:
   * group 1: acc[0] = 1 - 6 - 15 = -20, acc[1] = 2 + 8 + 18 = 28, acc[8] = 7 + 2 = 9;
   * group 2: acc[0] = 8 + 5 + 6 = 19, acc[7] = -600. Two products double them; CIM_OUT
   * writes 16 sums per group, group 2's 64 bytes after group 1's, and clears them.
   */
  @Test
  void productsOnTwoMacroGroups() throws SimulationException {
    String asm = TWO_GROUPS + """
        CIM_CFG r0, r0
        CIM_MVM r13, r5, r6, r0, GRP
        CIM_MVM r13, r5, r6, r0, GRP
        G_LI r7, 16
        G_LI r14, 1048576
        CIM_OUT r7, r0, r14
        G_LI r8, 128
        G_LI r31, 1316096
        MEM_CPY r14, r8, r31, 0
        CIM_OUT r7, r0, r14
        G_LI r31, 1316224
        MEM_CPY r14, r8, r31, 0
        """;
    byte[] global = twoGroupsImage();
    Asm.run(asm, global);
    int[] sums = new int[32];
    sums[0] = -40;
    sums[1] = 56;
    sums[8] = 18;
    sums[16] = 38;
    sums[16 + 7] = -1200;
    assertArrayEquals(sums, words(global, 128, 32));
    assertArrayEquals(new int[32], words(global, 256, 32), "CIM_OUT clears the accumulators");
  }

  /**
   * CIM_CFG on the weights and inputs of {@link #productsOnTwoMacroGroups}: group 1's mask
   * (8 x 8 = 64 bits, 8 bytes, loaded to 786,496) has bit 1 (macro 0, column 1) and bit 8
   * (macro 1, column 0) set, so of its sums only acc[1] = 28 and acc[8] = 9 are made and
   * acc[0] stays 0; group 2 keeps every column (the reset state): acc[0] = 19, acc[7] = -600.
   * Then an all-zero mask broadcast to every group (GRP_B) leaves a second product's sums at 0.
   */
  @Test
  void columnMasksLeaveMaskedColumnsAlone() throws SimulationException {
    String masked = TWO_GROUPS + """
        G_LI r20, 786496
        G_LI r31, 1316048
        G_LI r21, 8
        MEM_CPY r31, r21, r20, 0
        G_LI r22, 786504
        G_LI r31, 1316056
        MEM_CPY r31, r21, r22, 0
        G_LI r7, 16
        G_LI r14, 1048576
        G_LI r8, 128
        G_LI r1, 1
        CIM_CFG r1, r20
        CIM_MVM r13, r5, r6, r0, GRP
        CIM_OUT r7, r0, r14
        G_LI r31, 1316096
        MEM_CPY r14, r8, r31, 0
        CIM_CFG r0, r22, GRP_B
        CIM_MVM r13, r5, r6, r0, GRP
        CIM_OUT r7, r0, r14
        G_LI r31, 1316224
        MEM_CPY r14, r8, r31, 0
        """;
    byte[] global = twoGroupsImage();
    global[80] = 0x02; // group 1: macro 0 column 1
    global[81] = 0x01; // group 1: macro 1 column 0
    Asm.run(masked, global);
    int[] sums = new int[32];
    sums[1] = 28;
    sums[8] = 9;
    sums[16] = 19;
    sums[16 + 7] = -600;
    assertArrayEquals(sums, words(global, 128, 32));
    assertArrayEquals(new int[32], words(global, 256, 32), "every column masked off");
  }

  @Test
  void columnMasksFault() {
    String set = "# core 0\nG_LI r1, 16\nG_LI r2, 786432\n";
    assertEquals("macro group 16 is not among the core's groups 0..15",
        Asm.failure(set + "CIM_CFG r1, r2\n", new byte[0]).reason());
    assertEquals("the column mask [1315968, 1315976) is in global memory, which this operand"
        + " cannot address", Asm.failure(set + "G_LI r2, 1315968\nCIM_CFG r0, r2\n",
        new byte[8]).reason());
  }

  /**
   * On dynaplasia (T = 1, arrays of 320 rows x 40 columns, one row selection): array 3 holds
   * column 0 = [2, 5] and column 39 = [-7, 1]; inputs [3, -1] give 6 - 5 = 1 and -21 - 1 = -22.
   */
  @Test
  void aProductOnWideArrays() throws SimulationException {
    String asm = """
        # core 0
        G_LI r30, 1315968
        G_LI r10, 38400
        G_LI r3, 80
        MEM_CPY r30, r3, r10, 0
        G_LI r31, 1316048
        G_LI r11, 1228800
        G_LI r4, 2
        MEM_CPY r31, r4, r11, 0
        S_LI s4, 1
        S_LI s9, 3
        CIM_MVM r11, r4, r0, r0, GRP
        G_LI r5, 40
        G_LI r12, 1269760
        CIM_OUT r5, r0, r12
        G_LI r6, 160
        G_LI r31, 1316096
        MEM_CPY r12, r6, r31, 0
        """;
    byte[] global = new byte[288];
    global[0] = 2;
    global[39] = -7;
    global[40] = 5;
    global[79] = 1;
    global[80] = 3;
    global[81] = -1;
    Asm.run(Asm.DYNAPLASIA, asm, global);
    int[] sums = new int[40];
    sums[0] = 1;
    sums[39] = -22;
    assertArrayEquals(sums, words(global, 128, 40));
  }

  /** Memory-mode arrays hold data; a product on one is a fault naming the array. */
  @Test
  void aProductOnAMemoryModeArrayFaults() {
    String asm = """
        # core 0
        G_LI r1, 5
        G_LI r2, 2
        CIM_SWITCH r1, r2, TOM
        G_LI r30, 1315968
        G_LI r10, 64000
        G_LI r3, 16
        MEM_CPY r30, r3, r10, 0
        G_LI r31, 1315984
        MEM_CPY r10, r3, r31, 0
        S_LI s4, 2
        S_LI s9, 4
        G_LI r11, 1228800
        G_LI r4, 2
        CIM_MVM r11, r4, r0, r0, GRP
        """;
    byte[] global = new byte[32];
    for (int i = 0; i < 16; i++) {
      global[i] = (byte) (3 * i - 20);
    }
    SimulationException e = Asm.failure(Asm.DYNAPLASIA, asm, global);
    assertEquals("core 0, pc 13 'CIM_MVM r11, r4, r0, r0, GRP': array 5 (macro 0 of macro group"
        + " 5) is in memory mode and holds no weights to multiply by", e.getMessage());
    assertArrayEquals(Arrays.copyOf(global, 16), Arrays.copyOfRange(global, 16, 32),
        "the data went through the memory-mode array");
  }

  @Test
  void arraysSwitchedBackToComputeModeMultiply() throws SimulationException {
    String asm = """
        # core 0
        G_LI r1, 5
        G_LI r2, 2
        CIM_SWITCH r1, r2, TOM
        CIM_SWITCH r1, r2
        S_LI s4, 2
        S_LI s9, 4
        G_LI r11, 1228800
        G_LI r4, 2
        CIM_MVM r11, r4, r0, r0, GRP
        """;
    assertEquals(9, Asm.run(Asm.DYNAPLASIA, asm, new byte[0]).executed()[0]);
  }

  @Test
  void switchesFault() {
    SimulationException notDual = Asm.failure("# core 0\nG_LI r1, 1\nCIM_SWITCH r0, r1, TOM\n",
        new byte[0]);
    assertEquals("the macros of this chip are not dual-mode, so no array can switch to memory"
        + " mode", notDual.reason());
    SimulationException beyond = Asm.failure(Asm.DYNAPLASIA,
        "# core 0\nG_LI r1, 95\nG_LI r2, 2\nCIM_SWITCH r1, r2, TOM\n", new byte[0]);
    assertEquals("arrays 95 .. 96 are not all among the core's arrays 0..95", beyond.reason());
  }

  @Test
  void productsAndReadOutsOutsideTheCoresMacrosFault() {
    String set = "# core 0\nG_LI r1, 786432\nG_LI r2, 32\nG_LI r3, 15\nG_LI r4, 64\n";
    assertEquals("no macro group is active: special register 4 is 0",
        Asm.failure(set + "CIM_MVM r1, r2, r3, r0, GRP\n", new byte[0]).reason());
    assertEquals("macro groups 15 .. 16 (special registers 9 and 4) are not all among the"
        + " core's groups 0..15", Asm.failure(set + "S_LI s4, 2\nS_LI s9, 15\n"
        + "CIM_MVM r1, r2, r3, r0, GRP\n", new byte[0]).reason());
    assertEquals("the row selection 16 is outside 0..15", Asm.failure(set
        + "S_LI s4, 1\nSC_ADDI r3, r3, 1\nCIM_MVM r1, r2, r3, r0, GRP\n", new byte[0]).reason());
    assertEquals("the input length 33 is outside 0..32, the rows of a macro", Asm.failure(set
        + "S_LI s4, 1\nSC_ADDI r2, r2, 1\nCIM_MVM r1, r2, r3, r0, GRP\n", new byte[0]).reason());
    assertEquals("CIM_MVM is implemented with the flag GRP alone, not with flags 0",
        Asm.failure(set + "S_LI s4, 1\nCIM_MVM r1, r2, r3, r0\n", new byte[0]).reason());
    assertEquals("the input of macro group 0 [1315968, 1316000) is in global memory, which this"
        + " operand cannot address", Asm.failure(set + "S_LI s4, 1\nG_LI r1, 1315968\n"
        + "CIM_MVM r1, r2, r3, r0, GRP\n", new byte[64]).reason());
    assertEquals("the output count 65 is outside 0..64, the accumulators of a macro group",
        Asm.failure(set + "S_LI s4, 1\nSC_ADDI r4, r4, 1\nCIM_OUT r4, r0, r1\n", new byte[0])
            .reason());
    assertEquals("CIM_OUT is implemented without a column mask (mask register r0) and without"
        + " flags", Asm.failure(set + "S_LI s4, 1\nCIM_OUT r4, r1, r1\n", new byte[0]).reason());
  }

  private static int[] words(byte[] bytes, int at, int n) {
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = word(bytes, at + 4 * i);
    }
    return w;
  }
}
