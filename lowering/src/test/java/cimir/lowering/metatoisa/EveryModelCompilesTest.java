package cimir.lowering.metatoisa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import cimir.dialect.hw.AddressMap;
import cimir.dialect.hw.HardwareModel;
import cimir.dialect.hw.HwPresets;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.isa.IsaAsmParser;
import cimir.isa.IsaAsmPrinter;
import cimir.isa.IsaBinary;
import cimir.isa.IsaJsonReader;
import cimir.isa.IsaJsonWriter;
import cimir.lowering.RepositoryModels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every repository model through a named pipeline to the `isa` dialect, on both presets
 * (CIMFlow's flow on cimflow, CMSwitch's with memory mode on dynaplasia, the default one on the
 * small models): nothing but the program remains; running every core's scalar code shows that
 * every address the program computes lies in a memory of the chip, every SEND meets one RECV
 * of the same id, cores and size, every core issues its transfers of a stage in increasing id
 * (the order that makes deadlock impossible) and reaches every stage's barrier; and the binary,
 * assembly and JSON encodings give back the same program.
 */
class EveryModelCompilesTest {
  static Stream<Arguments> cases() {
    Stream<Arguments> big = RepositoryModels.BENCHMARKS.stream().flatMap(m -> Stream.of(
        Arguments.of(m, "cimflow", "cimflow"), Arguments.of(m, "dynaplasia", "cmswitch")));
    Stream<Arguments> small = Stream.of("tiny_cnn_weights", "tiny_cnn_bn_dw",
        "tiny_transformer").flatMap(m -> Stream.of(Arguments.of(m, "cimflow", "default"),
            Arguments.of(m, "dynaplasia", "default")));
    return Stream.concat(small, big);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void compilesToVerifiedPrograms(String model, String arch, String pipeline)
      throws Exception {
    RepositoryModels.Run run = RepositoryModels.runOn(model, arch, pipeline);
    String what = model + " on " + arch + " by " + pipeline;
    List<Operation> programs = new ArrayList<>();
    List<String> leftovers = new ArrayList<>();
    run.module().walk(op -> {
      if (op.name().equals("isa.program")) {
        programs.add(op);
      }
      String d = op.dialect();
      if (!List.of("isa", "func", "builtin").contains(d)
          && !op.name().equals("graph.constant")) {
        leftovers.add(op.name());
      }
    });
    assertEquals(1, programs.size(), what);
    assertTrue(leftovers.isEmpty(), what + ": " + leftovers);
    Operation op = programs.get(0);
    IsaProgram program = IsaProgram.fromOp(op);
    HardwareModel hw = HwPresets.byName(arch).orElseThrow();
    assertEquals(hw.cores(), program.cores().size(), what);

    // The memory image: one region per operand, one per result, the rest scratch or data.
    long image = 0;
    int operandRegions = 0;
    int resultRegions = 0;
    for (Attribute a : ((Attribute.ArrayAttr) op.attr("memory")).elements()) {
      Attribute.DictionaryAttr r = (Attribute.DictionaryAttr) a;
      long end = ((Attribute.IntegerAttr) r.get("offset")).value().longValue()
          + ((Attribute.IntegerAttr) r.get("size")).value().longValue();
      image = Math.max(image, end);
      String kind = ((Attribute.StringAttr) r.get("kind")).value();
      operandRegions += kind.equals("operand") ? 1 : 0;
      resultRegions += kind.equals("result") ? 1 : 0;
    }
    assertTrue(operandRegions >= op.numOperands(), what);
    assertEquals(op.numResults(), resultRegions, what);

    // Addresses, transfers and barriers, by running the scalar code.
    ProgramWalker walker = new ProgramWalker(AddressMap.of(hw), image, hw.cores(),
        hw.core().macroGroups(), hw.core().macro().rowSelect());
    walker.run(program, 400_000_000L);
    assertTrue(walker.faults.isEmpty(), what + ": " + walker.faults);
    int stages = walker.barriers[0];
    assertTrue(stages > 0, what);
    for (int c = 0; c < hw.cores(); c++) {
      assertEquals(stages, walker.barriers[c], what + ", core " + c + "'s barriers");
      long last = -1;
      int stage = 0;
      for (ProgramWalker.Transfer t : walker.issued.get(c)) {
        if (t.stage() != stage) {
          stage = t.stage();
          last = -1;
        }
        assertTrue(t.id() > last, what + ", core " + c + ": transfer id " + t.id()
            + " after " + last + " in stage " + stage);
        last = t.id();
      }
    }
    Map<List<Long>, Integer> pending = new HashMap<>();
    for (List<ProgramWalker.Transfer> list : walker.sends) {
      for (ProgramWalker.Transfer t : list) {
        pending.merge(key(t), 1, Integer::sum);
      }
    }
    for (List<ProgramWalker.Transfer> list : walker.recvs) {
      for (ProgramWalker.Transfer t : list) {
        pending.merge(key(t), -1, Integer::sum);
      }
    }
    pending.values().removeIf(n -> n == 0);
    assertTrue(pending.isEmpty(), what + ": unmatched transfers " + pending.keySet().stream()
        .limit(5).toList());

    // The encodings are identities.
    assertEquals(program, IsaBinary.read(IsaBinary.write(program)), what + ": binary");
    DiagnosticEngine diag = new DiagnosticEngine(new SourceManager());
    Operation parsed = IsaAsmParser.parse("asm", IsaAsmPrinter.print(program), diag);
    assertTrue(parsed != null && !diag.hasErrors(), what + ": assembly");
    assertEquals(program, IsaProgram.fromOp(parsed), what + ": assembly");
    IsaJsonReader.Result json = IsaJsonReader.read(IsaJsonWriter.write(program));
    assertTrue(json.faults().isEmpty(), what + ": JSON " + json.faults());
    assertEquals(program, json.program(), what + ": JSON");

    long total = 0;
    int most = 0;
    for (List<IsaInst> core : program.cores().values()) {
      total += core.size();
      most = Math.max(most, core.size());
    }
    long dynamic = 0;
    for (long n : walker.executed) {
      dynamic += n;
    }
    System.out.printf("meta-to-isa: %s: %d stages, %d instructions (at most %d on a core),"
        + " %d executed%n", what, stages, total, most, dynamic);
  }

  /** A transfer as both ends name it: stage, sender, receiver, id, bytes, destination. */
  private static List<Long> key(ProgramWalker.Transfer t) {
    return List.of((long) t.stage(), (long) t.from(), (long) t.to(), t.id(), t.bytes(),
        t.dst());
  }
}
