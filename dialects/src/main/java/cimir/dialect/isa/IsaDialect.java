package cimir.dialect.isa;

import cimir.diag.DiagnosticEngine;
import cimir.ir.AttrConstraint;
import cimir.ir.Attribute;
import cimir.ir.Dialect;
import cimir.ir.OpDef;
import cimir.ir.Operation;
import cimir.ir.Trait;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The `isa` dialect: the machine. An `isa.program` holds one `isa.core {id}` per core, each a
 * list of instruction ops, one op per instruction of {@link Instruction}, whose attributes
 * are the instruction's fields.
 */
public final class IsaDialect implements Dialect {
  private static final AttrConstraint CORE_ID = new AttrConstraint(
      "non-negative 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(cimir.ir.Type.IntegerType.I64)
          && i.value().signum() >= 0 && i.value().bitLength() < 31);
  private static final AttrConstraint POSITIVE = new AttrConstraint(
      "positive 64-bit signless integer attribute",
      a -> a instanceof Attribute.IntegerAttr i && i.type().equals(cimir.ir.Type.IntegerType.I64)
          && i.value().signum() > 0 && i.value().bitLength() < 31);

  public static final OpDef PROGRAM = OpDef.builder("isa.program")
      .summary("a program: the instructions of every core")
      .description("""
          One region of one block holding `isa.core` ops with distinct ids. A program made by
          `meta-to-isa` takes the tensors the host places in global memory before the run
          (network inputs, weights, biases) as operands and yields the tensors it reads after
          it; `memory` says where each lies and in which layout.

          ```mlir
          "isa.program"() ({
            "isa.core"() ({
              "isa.g_li"() {imm = 1024 : i64, rd = 1 : i64} : () -> ()
            }) {id = 0 : i64} : () -> ()
          }) : () -> ()
          ```""")
      .variadicOperand("inputs", cimir.ir.TypeConstraint.ANY_TENSOR)
      .variadicResult("outputs", cimir.ir.TypeConstraint.ANY_TENSOR)
      .regions(1)
      .optionalAttr("memory", AttrConstraint.ARRAY, "the global memory image: per region its"
          + " kind (operand, data, result, scratch), offset and size, the operand or result"
          + " index and layout, and the data region's bytes")
      .optionalAttr("batch", POSITIVE, "inferences the program runs (1 when absent); the"
          + " memory regions of one inference's inputs and results have its `image` index")
      .traits(Trait.NO_TERMINATOR, Trait.SINGLE_BLOCK, Trait.ISOLATED_FROM_ABOVE)
      .verifier(IsaDialect::verifyProgram)
      .build();

  public static final OpDef CORE = OpDef.builder("isa.core")
      .summary("the instructions of one core, in program order")
      .description("""
          One region of one block holding instruction ops only; `id` is the core's number.

          ```mlir
          "isa.core"() ({
            "isa.g_li"() {imm = 1024 : i64, rd = 1 : i64} : () -> ()
            "isa.jmp"() {imm = -1 : i64} : () -> ()
          }) {id = 3 : i64} : () -> ()
          ```""")
      .regions(1)
      .attr("id", CORE_ID, "the core's number")
      .traits(Trait.NO_TERMINATOR, Trait.SINGLE_BLOCK)
      .verifier(IsaDialect::verifyCore)
      .build();

  private static final Map<Instruction, OpDef> INSTRUCTIONS = new EnumMap<>(Instruction.class);
  private static final List<OpDef> OPS;

  static {
    List<OpDef> ops = new ArrayList<>(List.of(PROGRAM, CORE));
    for (Instruction kind : Instruction.values()) {
      OpDef def = instructionDef(kind);
      INSTRUCTIONS.put(kind, def);
      ops.add(def);
    }
    OPS = List.copyOf(ops);
  }

  /** The op definition of an instruction. */
  public static OpDef def(Instruction kind) {
    return INSTRUCTIONS.get(kind);
  }

  @Override
  public String name() {
    return "isa";
  }

  @Override
  public String summary() {
    return "the instructions of CIMFlow's 32-bit CIM ISA, one op per instruction";
  }

  @Override
  public List<OpDef> ops() {
    return OPS;
  }

  private static OpDef instructionDef(Instruction kind) {
    OpDef.Builder b = OpDef.builder(kind.opName())
        .summary(kind.summary())
        .description(describe(kind))
        .verifier((op, diag) -> verifyFields(kind, op, diag));
    for (Field f : kind.fields()) {
      if (f.kind() == Field.Kind.FLAGS) {
        b.optionalAttr(f.name(), AttrConstraint.I64, f.doc() + "; absent means none");
      } else {
        b.attr(f.name(), AttrConstraint.I64, f.doc() + ", " + f.min() + ".." + f.max());
      }
    }
    return b.build();
  }

  /** The semantics, the bit layout, the funct names and an example, from the table. */
  private static String describe(Instruction kind) {
    StringBuilder out = new StringBuilder(kind.semantics()).append("\n\n");
    out.append("Opcode ").append(kind.opcodes().size() == 1 ? kind.baseOpcode()
        : kind.opcodes().toString().replace("[", "").replace("]", "")).append(" (bits 31..26)");
    for (Field f : kind.fields()) {
      out.append(", `").append(f.name()).append("` ");
      if (f.kind() == Field.Kind.OPCODE) {
        out.append("in opcode bits ").append(f.lsb() + 1).append("..").append(f.lsb());
      } else {
        out.append(f.lsb() + f.width() - 1).append("..").append(f.lsb());
        if (f.kind() == Field.Kind.IMMEDIATE) {
          out.append(f.min() < 0 ? " (signed)" : " (unsigned)");
        }
      }
    }
    out.append("; other bits are zero.");
    if (!kind.functNames().isEmpty()) {
      StringJoiner functs = new StringJoiner(", ");
      for (int i = 0; i < kind.functNames().size(); i++) {
        functs.add(kind.functNames().get(i) + " " + i);
      }
      out.append(" Funct values: ").append(functs).append('.');
    }
    StringJoiner attrs = new StringJoiner(", ");
    List<Field> sorted = new ArrayList<>(kind.fields());
    sorted.sort((a, c) -> a.name().compareTo(c.name()));
    for (Field f : sorted) {
      attrs.add(f.name() + " = " + exampleValue(f, kind.fields().indexOf(f)) + " : i64");
    }
    out.append("\n\n```mlir\n\"").append(kind.opName()).append("\"() {").append(attrs)
        .append("} : () -> ()\n```");
    return out.toString();
  }

  private static long exampleValue(Field f, int position) {
    return switch (f.kind()) {
      case REGISTER, SPECIAL_REGISTER -> position + 1;
      case IMMEDIATE -> f.min() < 0 ? -8 : 1024;
      case FUNCT, FLAGS -> f.max() == 0 ? 0 : Long.lowestOneBit(f.max());
      case OPCODE -> f.min() + 1;
    };
  }

  private static void verifyFields(Instruction kind, Operation op, DiagnosticEngine diag) {
    for (Field f : kind.fields()) {
      if (op.attr(f.name()) instanceof Attribute.IntegerAttr i) {
        long value = i.value().longValue();
        String error = i.value().bitLength() > 63 ? "expected a 64-bit integer"
            : f.rangeError(value);
        if (error != null) {
          diag.opError(op, "attribute '" + f.name() + "' is " + i.value() + ": " + error);
        }
      }
    }
  }

  private static void verifyProgram(Operation op, DiagnosticEngine diag) {
    Set<Long> ids = new HashSet<>();
    for (Operation core : body(op)) {
      if (!core.name().equals("isa.core")) {
        diag.opError(core, "is not allowed in 'isa.program', which holds 'isa.core' ops only");
        continue;
      }
      if (core.attr("id") instanceof Attribute.IntegerAttr id
          && !ids.add(id.value().longValue())) {
        diag.opError(core, "has id " + id.value() + ", which an earlier 'isa.core' has");
      }
    }
  }

  private static void verifyCore(Operation op, DiagnosticEngine diag) {
    if (op.parentOp() == null || !op.parentOp().name().equals("isa.program")) {
      diag.opError(op, "expects its parent to be 'isa.program'");
    }
    for (Operation inst : body(op)) {
      if (Instruction.ofOpName(inst.name()) == null) {
        diag.opError(inst, "is not allowed in 'isa.core', which holds instruction ops only");
      }
    }
  }

  private static List<Operation> body(Operation op) {
    return op.region(0).isEmpty() ? List.of() : op.region(0).entryBlock().ops();
  }
}
