package cimir.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Operation;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random valid instructions of every kind survive binary, assembly, JSON and the ops. */
class RoundTripTest {
  @Test
  void binaryIsAnIdentity() throws IsaFormatException {
    RandomInstructions gen = new RandomInstructions(1);
    Set<Instruction> seen = EnumSet.noneOf(Instruction.class);
    for (int i = 0; i < 20_000; i++) {
      IsaInst inst = gen.next();
      seen.add(inst.kind());
      int word = IsaBinary.encode(inst);
      assertEquals(inst, IsaBinary.decode(word), () -> Integer.toHexString(word));
      assertEquals(inst.opcode(), word >>> 26);
    }
    assertEquals(EnumSet.allOf(Instruction.class), seen);
  }

  @Test
  void programFilesAreAnIdentity() throws IsaFormatException {
    IsaProgram program = new RandomInstructions(2).program(4, 1000);
    assertEquals(program, IsaBinary.read(IsaBinary.write(program)));
  }

  @Test
  void assemblyIsAnIdentity() {
    IsaProgram program = new RandomInstructions(3).program(4, 1000);
    String text = IsaAsmPrinter.print(program);
    DiagnosticEngine diag = new DiagnosticEngine(new SourceManager());
    Operation op = IsaAsmParser.parse("random.s", text, diag);
    assertTrue(diag.diagnostics().isEmpty(), () -> diag.diagnostics().toString());
    assertEquals(program, IsaProgram.fromOp(op));
  }

  @Test
  void jsonIsAnIdentity() throws IsaJsonReader.JsonSyntaxException {
    IsaProgram program = new RandomInstructions(4).program(4, 1000);
    IsaJsonReader.Result read = IsaJsonReader.read(IsaJsonWriter.write(program));
    assertEquals(java.util.List.of(), read.faults());
    assertEquals(program, read.program());
  }

  @Test
  void opsAreAnIdentity() {
    IsaProgram program = new RandomInstructions(5).program(3, 1000);
    assertEquals(program, IsaProgram.fromOp(program.toOp(cimir.ir.Location.Unknown.INSTANCE)));
  }
}
