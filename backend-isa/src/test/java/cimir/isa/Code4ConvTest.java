package cimir.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CIMFlow's program for four convolutions (`code-4conv.json`, the older class/type form, 64
 * cores) reads completely into the isa dialect's instructions and writes back as ISA 3.0 JSON
 * with the same instructions.
 */
class Code4ConvTest {
  private static String text() throws IOException {
    try (InputStream in = Code4ConvTest.class.getResourceAsStream("/cimflow/code-4conv.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static IsaProgram read(String json) throws Exception {
    IsaJsonReader.Result result = IsaJsonReader.read(json);
    assertEquals(List.of(), result.faults());
    assertNotNull(result.program());
    return result.program();
  }

  @Test
  void everyInstructionIsRead() throws Exception {
    String json = text();
    IsaProgram program = read(json);
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals(64, program.cores().size());
    for (int core = 0; core < 64; core++) {
      assertEquals(tree.get(Integer.toString(core)).size(), program.cores().get(core).size());
    }
    // Counts by (class, type, opcode) in the file, worked out with a separate script.
    Map<Instruction, Integer> counts = new EnumMap<>(Instruction.class);
    program.cores().values().forEach(insts -> insts.forEach(
        i -> counts.merge(i.kind(), 1, Integer::sum)));
    assertEquals(Map.ofEntries(Map.entry(Instruction.G_LI, 756), Map.entry(Instruction.S_LI, 320),
        Map.entry(Instruction.SC_RI, 336), Map.entry(Instruction.SC_RR, 112),
        Map.entry(Instruction.BLT, 112), Map.entry(Instruction.JMP, 336),
        Map.entry(Instruction.MEM_CPY, 44), Map.entry(Instruction.SEND, 24),
        Map.entry(Instruction.RECV, 24), Map.entry(Instruction.VEC_OP, 48),
        Map.entry(Instruction.CIM_MVM, 32)), counts);
  }

  @Test
  void instructionsMapFieldByField() throws Exception {
    List<IsaInst> core0 = read(text()).cores().get(0);
    // {"class":2,"type":3,"opcode":0,"rd":0,"imm":1840256}: G_LI r0, 1840256.
    assertEquals(IsaInst.of(Instruction.G_LI, 0, 1840256), core0.get(0));
    // {"class":6,"type":0,"offset_mask":0,"rs1":0,"rs2":2,"rd":1,"offset":0}: MEM_CPY.
    assertEquals(IsaInst.of(Instruction.MEM_CPY, 0, 2, 1, 0, 0), core0.get(3));
    // {"class":1,"input_num":1,"opcode":0,"rs1":1,"rs2":2,"rs3":3,"rd":4}: VEC_ADD, 2 inputs,
    // length in rs3.
    assertEquals(IsaInst.of(Instruction.VEC_OP, 1, 2, 4, 3, 0, 2), core0.get(12));
    // {"class":2,"imm":8,"opcode":1,"rd":0,"type":3}: S_LI s0, 8.
    assertEquals(IsaInst.of(Instruction.S_LI, 0, 8), core0.get(14));
    // {"class":2,"imm":0,"opcode":0,"rd":0,"rs":1,"type":1}: SC_ADDI from r1 to r0.
    assertEquals(IsaInst.of(Instruction.SC_RI, 1, 0, 0, 0), core0.get(24));
    // {"class":7,"offset":1,"type":4}: JMP 1.
    assertEquals(IsaInst.of(Instruction.JMP, 1), core0.get(25));
    // {"class":2,"opcode":15,"rd":3,"rs1":0,"rs2":2,"type":0}: SC_LT r0, r2 -> r3.
    assertEquals(IsaInst.of(Instruction.SC_RR, 0, 2, 3, 15), core0.get(27));
    // {"class":7,"offset":2,"rs1":0,"rs2":2,"type":3}: BLT r0, r2, 2.
    assertEquals(IsaInst.of(Instruction.BLT, 0, 2, 2), core0.get(28));
    // {"accumulate":1,"class":0,"group":1,"rs1":2,"rs2":6,"rs3":4,"type":0,...}: CIM_MVM GRP.
    assertEquals(IsaInst.of(Instruction.CIM_MVM, 2, 6, 4, 0, 32), core0.get(46));
  }

  @Test
  void sendAndRecvTakeTheirRegisters() throws Exception {
    IsaProgram program = read(text());
    IsaInst send = first(program, Instruction.SEND);
    IsaInst recv = first(program, Instruction.RECV);
    // {"type":2,"sync":0,"rs":0,"rd1":1,"rd2":0,"reg_id":3,"reg_len":2}: source address r0,
    // destination core r1, destination address r0, size r2, id r3.
    assertEquals(IsaInst.of(Instruction.SEND, 0, 1, 0, 2, 3), send);
    // {"type":3,"sync":0,"rs1":1,"rs2":0,"rd":0,"reg_id":3,"reg_len":2}.
    assertEquals(IsaInst.of(Instruction.RECV, 1, 0, 0, 2, 3), recv);
  }

  @Test
  void writesBackAsIsa3Json() throws Exception {
    IsaProgram program = read(text());
    String json = IsaJsonWriter.write(program);
    assertEquals(program, read(json));
    assertEquals("{\"opcode\": 44, \"rd\": 0, \"imm\": 1840256}",
        new ObjectMapper().readTree(json).get("0").get(0).toString()
            .replace(",", ", ").replace(":", ": "));
  }

  @Test
  void unmappableInstructionsAreReported() throws Exception {
    IsaJsonReader.Result r = IsaJsonReader.read("{\"0\": [{\"class\": 0, \"type\": 3},"
        + " {\"class\": 6, \"type\": 2, \"sync\": 1, \"rs\": 0, \"rd1\": 1, \"rd2\": 0,"
        + " \"reg_id\": 3, \"reg_len\": 2}, {\"class\": 0, \"type\": 0, \"accumulate\": 0}]}");
    assertEquals(List.of("at $[\"0\"][0]: class 0 type 3 has no isa instruction",
        "at $[\"0\"][1].sync: field 'sync' = 1 of class 6 type 2 has no counterpart in SEND",
        "at $[\"0\"][2].accumulate: CIM_MVM always accumulates; accumulate = 0 has no"
            + " counterpart"), r.faults().stream().map(JsonFault::toString).toList());
  }

  private static IsaInst first(IsaProgram program, Instruction kind) {
    return program.cores().values().stream().flatMap(List::stream)
        .filter(i -> i.kind() == kind).findFirst().orElseThrow();
  }
}
