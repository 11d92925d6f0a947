package cimir.dialect.isa;

import static cimir.dialect.isa.Field.flags;
import static cimir.dialect.isa.Field.funct;
import static cimir.dialect.isa.Field.opcode;
import static cimir.dialect.isa.Field.register;
import static cimir.dialect.isa.Field.signedImm;
import static cimir.dialect.isa.Field.special;
import static cimir.dialect.isa.Field.unsignedImm;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The instructions of CIMFlow's 32-bit ISA (3.0) and cimir's CIM_SWITCH: opcode, fields and
 * their bit positions. A 6-bit opcode sits in bits 31..26; register fields take the slots
 * 25..21, 20..16, 15..11, 10..6 and 5..1 in the order the reference names them; a funct or
 * flag tail, or an immediate, fills the low bits. One `isa` op and one assembly form per
 * instruction follow from this table.
 */
public enum Instruction {
  CIM_MVM(0, "a matrix-vector product on the active macro groups",
      "Multiplies the input vector at `GRF[rs]` (`GRF[rt]` elements) by the weights of row"
          + " `GRF[re]` and accumulates into the CIM output buffer. Flag bit 1, BATCH, is"
          + " cimir's placement of the reference's BATCH flag, which has no documented bit.",
      List.of(), register("rs", 21, "register holding the input address"),
      register("rt", 16, "register holding the input length"),
      register("re", 11, "register holding the weight row (activated row index)"),
      register("rf", 6, "register holding the batch count"),
      flags(0, 6, Map.of(5, "GRP", 4, "GRP_I", 3, "SP_V", 2, "SP_B", 1, "BATCH"),
          "GRP (32): grouped; GRP_I (16): grouped input by offset table; SP_V (8):"
              + " value-sparse; SP_B (4): bit-sparse; BATCH (2)")),
  CIM_CFG(4, "sets the active element columns of a macro group",
      "Reads the column mask at `GRF[rt]` for macro group `GRF[rs]`; GRP_B broadcasts it to"
          + " all groups.",
      List.of(), register("rs", 21, "register holding the macro group id"),
      register("rt", 16, "register holding the mask address"),
      flags(15, 1, Map.of(0, "GRP_B"), "GRP_B (1): broadcast to all groups (word bit 15)")),
  CIM_OUT(8, "moves the accumulated CIM results to local memory",
      "Writes `GRF[rs]` outputs per active group, masked by `GRF[rt]`, to `GRF[rd]`, and"
          + " clears the accumulators.",
      List.of(), register("rs", 21, "register holding the outputs per group"),
      register("rt", 16, "register holding the mask address"),
      register("rd", 11, "register holding the output address"),
      flags(0, 6, Map.of(5, "OSUM", 4, "OSUM_MOV"), "OSUM (32): output sums; OSUM_MOV (16):"
          + " move output sums")),
  CIM_SWITCH(12, "switches CIM arrays between compute and memory mode",
      "cimir's instruction (CMSwitch's `CM.switch`): arrays `GRF[rs]` .. `GRF[rs] + GRF[rt] -"
          + " 1` go to memory mode with the TOM flag and to compute mode without it. Its"
          + " layout is cimir's choice: two registers and a flag tail like CIM_CFG's.",
      List.of(), register("rs", 21, "register holding the first array"),
      register("rt", 16, "register holding the number of arrays"),
      flags(0, 6, Map.of(5, "TOM"), "TOM (32): to memory mode (absent: to compute mode)")),
  VEC_OP(16, "an element-wise operation over 1 to 4 input vectors",
      "`GRF[rd][i] = f(GRF[rs][i], GRF[rt][i], ...)` for `GRF[re]` elements; inputs 3 and 4"
          + " start at special registers 21 and 22. Opcodes 16, 20, 24 and 28 take 1-4"
          + " inputs.",
      List.of("VEC_ADD", "VEC_SC_ADD", "VEC_MUL", "VEC_QUANTIZE", "VEC_RESADD_QUANTIZE",
          "VEC_RESMUL_QUANTIZE", "VVMAX", "VSMUL", "VFLOOR", "VSET", "SOFTMAX", "REDUCE_MAX",
          "V_EXP", "REDUCE_SUM", "VS_DIV", "VS_SUB", "SQRT", "GELU", "LUT", "DEQUANTIZE",
          "QUANTIZE_F", "LAYER_NORM"),
      register("rs", 21, "register holding the first input address"),
      register("rt", 16, "register holding the second input address"),
      register("rd", 11, "register holding the output address"),
      register("re", 6, "register holding the vector length"),
      funct(0, 6, 22, "the operation (see the list above; 18 to 21 are"
          + " cimir's: LUT, DEQUANTIZE, QUANTIZE_F, LAYER_NORM)"),
      opcode("inputs", 2, 1, "number of input vectors, 1..4 (opcode bits 3..2 hold"
          + " inputs - 1)")),
  REDUCE(17, "reduces a vector to a scalar",
      "Reduces the `GRF[rt]` elements at `GRF[rs]` (`s16` bits wide) to one element at"
          + " `GRF[rd]` (`s20` bits wide): their signed maximum (MAX 0) or their sum, wrapped"
          + " to the output width (SUM 1). It runs on the core's reduce unit. The reference"
          + " gives no field layout for the funct; it takes the R format's tail, as VEC_OP's"
          + " does.",
      List.of("MAX", "SUM"),
      register("rs", 21, "register holding the input address"),
      register("rt", 16, "register holding the length"),
      register("rd", 11, "register holding the output address"),
      funct(0, 6, 2, "MAX 0, SUM 1")),
  SC_RR(32, "a scalar operation on two registers", "`GRF[rd] = f(GRF[rs], GRF[rt])`.",
      Scalar.FUNCTS, register("rs", 21, "first source register"),
      register("rt", 16, "second source register"), register("rd", 11, "destination register"),
      funct(0, 6, 16, "the operation (see the list above)")),
  SC_RI(36, "a scalar operation on a register and an immediate",
      "`GRF[rd] = f(GRF[rs], imm)`, the immediate signed.",
      Scalar.FUNCTS, register("rs", 21, "source register"),
      register("rd", 16, "destination register"),
      funct(11, 5, 16, "the operation (see the list above), bits 15..11"),
      signedImm(11, "signed 11-bit immediate")),
  SC_LD(40, "loads a word from local memory", "`GRF[rd] = MEM[GRF[rs] + imm]`."
      + Scalar.SIGNED_OFFSET, List.of(), register("rs", 21, "base address register"),
      register("rd", 16, "destination register"), signedImm(16, "signed 16-bit offset")),
  SC_ST(41, "stores a word to local memory", "`MEM[GRF[rs] + imm] = GRF[rt]`."
      + Scalar.SIGNED_OFFSET, List.of(), register("rs", 21, "base address register"),
      register("rt", 16, "source register"), signedImm(16, "signed 16-bit offset")),
  SC_LDG(42, "loads a word from global memory", "`GRF[rd] = GLOBAL[GRF[rs] + imm]`."
      + Scalar.SIGNED_OFFSET, List.of(), register("rs", 21, "base address register"),
      register("rd", 16, "destination register"), signedImm(16, "signed 16-bit offset")),
  SC_STG(43, "stores a word to global memory", "`GLOBAL[GRF[rs] + imm] = GRF[rt]`."
      + Scalar.SIGNED_OFFSET, List.of(), register("rs", 21, "base address register"),
      register("rt", 16, "source register"), signedImm(16, "signed 16-bit offset")),
  G_LI(44, "loads an immediate into a general register", "`GRF[rd] = imm`.",
      List.of(), register("rd", 21, "destination register"),
      unsignedImm(21, "unsigned 21-bit immediate")),
  S_LI(45, "loads an immediate into a special register", "`SRF[rd] = imm`.",
      List.of(), special("rd", 21, "destination special register"),
      unsignedImm(21, "unsigned 21-bit immediate")),
  GS_MOV(46, "copies a general register into a special register", "`SRF[rd] = GRF[rs]`.",
      List.of(), register("rs", 21, "source register"),
      special("rd", 16, "destination special register")),
  SG_MOV(47, "copies a special register into a general register", "`GRF[rd] = SRF[rs]`.",
      List.of(), special("rs", 21, "source special register"),
      register("rd", 16, "destination register")),
  MEM_CPY(48, "copies memory (local to local, global to local, local to global)",
      "Copies `GRF[rt]` bytes from `GRF[rs]` to `GRF[rd]`; the address ranges decide the"
          + " direction. Opcodes 48-51: bit 1 of `offset_mask` (word bit 27) adds `imm` to"
          + " the source, bit 0 (word bit 26) to the destination.",
      List.of(), register("rs", 21, "register holding the source address"),
      register("rt", 16, "register holding the size in bytes"),
      register("rd", 11, "register holding the destination address"),
      signedImm(11, "signed 11-bit address offset"),
      opcode("offset_mask", 0, 0, "2: offset the source, 1: offset the destination")),
  SEND(52, "sends data to another core (blocking)",
      "Sends `GRF[re]` bytes at `GRF[rs]` to address `GRF[rd]` of core `GRF[rt]`, tagged"
          + " `GRF[rf]`.",
      List.of(), register("rs", 21, "register holding the source address"),
      register("rt", 16, "register holding the destination core"),
      register("rd", 11, "register holding the destination address"),
      register("re", 6, "register holding the size in bytes"),
      register("rf", 1, "register holding the transfer id")),
  RECV(54, "receives data from another core (blocking)",
      "Receives `GRF[re]` bytes from address `GRF[rt]` of core `GRF[rs]` into `GRF[rd]`;"
          + " the transfer ids `GRF[rf]` must match.",
      List.of(), register("rs", 21, "register holding the source core"),
      register("rt", 16, "register holding the source address"),
      register("rd", 11, "register holding the destination address"),
      register("re", 6, "register holding the size in bytes"),
      register("rf", 1, "register holding the transfer id")),
  BEQ(56, "branches if equal", "`PC += imm` (in instructions) if `GRF[rs] == GRF[rt]`.",
      List.of(), register("rs", 21, "first register"), register("rt", 16, "second register"),
      signedImm(16, "signed 16-bit offset in instructions")),
  BNE(57, "branches if not equal", "`PC += imm` (in instructions) if `GRF[rs] != GRF[rt]`.",
      List.of(), register("rs", 21, "first register"), register("rt", 16, "second register"),
      signedImm(16, "signed 16-bit offset in instructions")),
  BGT(58, "branches if greater", "`PC += imm` (in instructions) if `GRF[rs] > GRF[rt]`.",
      List.of(), register("rs", 21, "first register"), register("rt", 16, "second register"),
      signedImm(16, "signed 16-bit offset in instructions")),
  BLT(59, "branches if less", "`PC += imm` (in instructions) if `GRF[rs] < GRF[rt]`.",
      List.of(), register("rs", 21, "first register"), register("rt", 16, "second register"),
      signedImm(16, "signed 16-bit offset in instructions")),
  JMP(60, "jumps", "`PC += imm` (in instructions).", List.of(),
      signedImm(26, "signed 26-bit offset in instructions")),
  WAIT(61, "waits for a synchronisation point",
      "Blocks until TAG `GRF[rt]` from core `GRF[rs]` (0: any) has been seen `GRF[rd]`"
          + " times. The I-A format's immediate is unused and must be zero.",
      List.of(), register("rs", 21, "register holding the source core"),
      register("rt", 16, "register holding the sync id"),
      register("rd", 11, "register holding the expected count")),
  BARRIER(62, "a barrier across cores",
      "Blocks until `GRF[rs]` cores reach barrier `GRF[rt]`. The I-B format's immediate is"
          + " unused and must be zero.",
      List.of(), register("rs", 21, "register holding the number of cores"),
      register("rt", 16, "register holding the barrier id")),
  TAG(63, "signals a synchronisation point",
      "Signals sync id `GRF[rs]`, which WAIT counts. The I-C format's immediate is unused and"
          + " must be zero.",
      List.of(), register("rs", 21, "register holding the sync id"));

  private final int opcode;
  private final String summary;
  private final String semantics;
  private final List<String> functNames;
  private final List<Field> fields;

  Instruction(int opcode, String summary, String semantics, List<String> functNames,
      Field... fields) {
    this.opcode = opcode;
    this.summary = summary;
    this.semantics = semantics;
    this.functNames = functNames;
    this.fields = List.of(fields);
  }

  /** The opcode when every opcode field takes its smallest value. */
  public int baseOpcode() {
    return opcode;
  }

  public String summary() {
    return summary;
  }

  public String semantics() {
    return semantics;
  }

  /** The names of the funct values, by value; empty without a funct field. */
  public List<String> functNames() {
    return functNames;
  }

  /** The fields in the order of their attributes' documentation and assembly operands. */
  public List<Field> fields() {
    return fields;
  }

  public Field field(String name) {
    for (Field f : fields) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** `isa.g_li`. */
  public String opName() {
    return "isa." + name().toLowerCase(Locale.ROOT);
  }

  /** The opcodes of this instruction: the base one, or four with an opcode field. */
  public List<Integer> opcodes() {
    Field variant = opcodeField();
    if (variant == null) {
      return List.of(opcode);
    }
    return List.of(opcode, opcode + (1 << variant.lsb()), opcode + (2 << variant.lsb()),
        opcode + (3 << variant.lsb()));
  }

  /** The field kept in the opcode, or null. */
  public Field opcodeField() {
    for (Field f : fields) {
      if (f.kind() == Field.Kind.OPCODE) {
        return f;
      }
    }
    return null;
  }

  /** The instruction with opcode `opcode`, or null. */
  public static Instruction ofOpcode(int opcode) {
    for (Instruction i : values()) {
      if (i.opcodes().contains(opcode)) {
        return i;
      }
    }
    return null;
  }

  /** The instruction whose op is named `opName`, or null. */
  public static Instruction ofOpName(String opName) {
    for (Instruction i : values()) {
      if (i.opName().equals(opName)) {
        return i;
      }
    }
    return null;
  }

  /** What the scalar instructions share. */
  private static final class Scalar {
    static final List<String> FUNCTS = List.of("ADD", "SUB", "MUL", "DIV", "SLL", "SRL", "SRA",
        "MOD", "MIN", "MAX", "AND", "OR", "EQ", "NE", "GT", "LT");
    static final String SIGNED_OFFSET = " The reference gives a 16-bit immediate without a"
        + " sign; cimir reads it as signed, as the branches' offsets are.";
  }
}
