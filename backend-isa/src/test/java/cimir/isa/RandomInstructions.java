package cimir.isa;

import cimir.dialect.isa.Field;
import cimir.dialect.isa.Instruction;
import cimir.dialect.isa.IsaInst;
import cimir.dialect.isa.IsaProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** A seeded generator of valid instructions of every kind, often at a field's extremes. */
final class RandomInstructions {
  private final Random random;

  RandomInstructions(long seed) {
    this.random = new Random(seed);
  }

  IsaInst next() {
    Instruction[] kinds = Instruction.values();
    Instruction kind = kinds[random.nextInt(kinds.length)];
    List<Long> values = new ArrayList<>();
    for (Field f : kind.fields()) {
      values.add(value(f));
    }
    return new IsaInst(kind, values);
  }

  IsaProgram program(int cores, int perCore) {
    SortedMap<Integer, List<IsaInst>> map = new TreeMap<>();
    for (int c = 0; c < cores; c++) {
      List<IsaInst> insts = new ArrayList<>();
      for (int i = 0; i < perCore; i++) {
        insts.add(next());
      }
      map.put(c * 3, insts);
    }
    return new IsaProgram(map);
  }

  private long value(Field f) {
    if (f.kind() == Field.Kind.FLAGS) {
      return random.nextLong() & f.max();
    }
    return switch (random.nextInt(4)) {
      case 0 -> f.min();
      case 1 -> f.max();
      default -> f.min() + (long) (random.nextDouble() * (f.max() - f.min() + 1));
    };
  }
}
