package cimir.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every field at its minimum and maximum round-trips; one past either end is refused by the
 * encoder, the JSON reader (naming the path) and the range check. Words worked out by hand
 * from the reference's layout pin the encoding.
 */
class FieldLimitsTest {
  @Test
  void everyFieldAtItsLimits() throws Exception {
    for (Instruction kind : Instruction.values()) {
      for (Field f : kind.fields()) {
        for (long v : new long[] {f.min(), f.max()}) {
          IsaInst inst = with(kind, f, v);
          assertEquals(inst, IsaBinary.decode(IsaBinary.encode(inst)), kind + "." + f.name());
          assertEquals(inst, readJson(IsaJsonWriter.write(inst)).program().cores().get(0)
              .get(0));
        }
        if (f.kind() == Field.Kind.FLAGS) {
          continue;
        }
        for (long v : new long[] {f.min() - 1, f.max() + 1}) {
          IsaInst inst = with(kind, f, v);
          assertEquals(List.of("'" + f.name() + "' is " + v + ": expected an integer in "
              + f.min() + ".." + f.max()), inst.rangeErrors());
          assertThrows(IllegalArgumentException.class, () -> IsaBinary.encode(inst));
          if (f.kind() != Field.Kind.OPCODE) {
            String json = IsaJsonWriter.write(inst);
            assertEquals(List.of("at $[\"0\"][0]." + f.name() + ": expected an integer in "
                + f.min() + ".." + f.max()), faults(json), json);
          }
        }
      }
    }
  }

  @Test
  void flagsOutsideTheirBitsAreRefused() {
    IsaInst mvm = IsaInst.of(Instruction.CIM_MVM, 0, 0, 0, 0, 1);
    assertEquals(List.of("'flags' is 1: expected a combination of the flag bits GRP (32),"
        + " GRP_I (16), SP_V (8), SP_B (4), BATCH (2)"), mvm.rangeErrors());
  }

  @Test
  void wordsWorkedOutByHand() throws Exception {
    // G_LI r1, 1024: 44 << 26 | 1 << 21 | 1024.
    assertWord(0xB0200400, IsaInst.of(Instruction.G_LI, 1, 1024));
    // SC_ADDI r8 -> r8, -8: 36 << 26 | 8 << 21 | 8 << 16 | ADD 0 << 11 | (-8 & 0x7ff).
    assertWord(0x910807F8, IsaInst.of(Instruction.SC_RI, 8, 8, 0, -8));
    // JMP -3: 60 << 26 | (-3 & 0x3ffffff).
    assertWord(0xF3FFFFFD, IsaInst.of(Instruction.JMP, -3));
    // VEC_ADD with 2 inputs: opcode 20, rs 1, rt 2, rd 3, re 4, funct 0.
    assertWord(0x50221900, IsaInst.of(Instruction.VEC_OP, 1, 2, 3, 4, 0, 2));
    // MEM_CPY with the source offset (X, bit 27): opcode 50, rs 1, rt 2, rd 3, imm -1.
    assertWord(0xC8221FFF, IsaInst.of(Instruction.MEM_CPY, 1, 2, 3, -1, 2));
    // CIM_MVM r1, r2, r3, r4 with GRP and SP_B: rf at 10..6, flags 32 | 4.
    assertWord(0x00221924, IsaInst.of(Instruction.CIM_MVM, 1, 2, 3, 4, 36));
    // CIM_CFG r31, r0 with GRP_B at word bit 15: 4 << 26 | 31 << 21 | 1 << 15.
    assertWord(0x13E08000, IsaInst.of(Instruction.CIM_CFG, 31, 0, 1));
    // SEND r1..r5: opcode 52, the fifth register at bits 5..1.
    assertWord(0xD022190A, IsaInst.of(Instruction.SEND, 1, 2, 3, 4, 5));
    // BLT r1, r2, -32768: opcode 59, imm 0x8000.
    assertWord(0xEC228000, IsaInst.of(Instruction.BLT, 1, 2, -32768));
  }

  @Test
  void badWordsAreNamed() {
    assertEquals("unknown opcode 53", assertThrows(IsaFormatException.class,
        () -> IsaBinary.decode(53 << 26)).getMessage());
    assertEquals("unknown opcode 1", assertThrows(IsaFormatException.class,
        () -> IsaBinary.decode(1 << 26)).getMessage());
    // TAG uses rs only; a set immediate bit is a bad word.
    assertEquals("TAG has unused bits set: 0x1", assertThrows(IsaFormatException.class,
        () -> IsaBinary.decode(63 << 26 | 1)).getMessage());
    // SC_RR's funct 16 does not exist.
    assertEquals("SC_RR field 'funct' is 16: expected an integer in 0..15",
        assertThrows(IsaFormatException.class, () -> IsaBinary.decode(32 << 26 | 16))
            .getMessage());
    byte[] file = {0, 0, 0, 0, 2, 0, 0, 0, 0, 4, 32, -80, 0, 0, 0, (byte) 0xD4};
    assertEquals("word at byte offset 12 (core 0, instruction 1): unknown opcode 53",
        assertThrows(IsaFormatException.class, () -> IsaBinary.read(file)).getMessage());
  }

  private static void assertWord(int word, IsaInst inst) throws IsaFormatException {
    assertEquals(Integer.toHexString(word), Integer.toHexString(IsaBinary.encode(inst)));
    assertEquals(inst, IsaBinary.decode(word));
  }

  private static IsaInst with(Instruction kind, Field field, long value) {
    Map<String, Long> values = new HashMap<>();
    for (Field f : kind.fields()) {
      values.put(f.name(), f.min());
    }
    values.put(field.name(), value);
    return IsaInst.of(kind, values);
  }

  private static IsaJsonReader.Result readJson(String instruction) throws Exception {
    return IsaJsonReader.read("{\"0\": [" + instruction + "]}");
  }

  private static List<String> faults(String instruction) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonFault f : readJson(instruction).faults()) {
      out.add(f.toString());
    }
    return out;
  }
}
