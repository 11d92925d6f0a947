package cimir.dialect.isa;

import cimir.ir.Attribute;
import cimir.ir.Location;
import cimir.ir.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One instruction as a value: its kind and one number per field, in the order of
 * {@link Instruction#fields()}. The formats (binary, assembly, JSON) and the `isa` ops convert
 * to and from it; it does not check ranges ({@link #rangeErrors()} does).
 */
public record IsaInst(Instruction kind, List<Long> values) {
  public IsaInst {
    if (values.size() != kind.fields().size()) {
      throw new IllegalArgumentException(kind + " has " + kind.fields().size()
          + " fields, got " + values.size() + " values");
    }
    values = List.copyOf(values);
  }

  /** The instruction with its field values in field order: `of(G_LI, 1, 1024)`. */
  public static IsaInst of(Instruction kind, long... values) {
    List<Long> list = new ArrayList<>(values.length);
    for (long v : values) {
      list.add(v);
    }
    return new IsaInst(kind, list);
  }

  /** The instruction with its fields by name; fields not named are 0. */
  public static IsaInst of(Instruction kind, Map<String, Long> values) {
    List<Long> list = new ArrayList<>();
    for (Field f : kind.fields()) {
      if (!values.containsKey(f.name()) && f.kind() == Field.Kind.OPCODE) {
        list.add(f.min());
      } else {
        list.add(values.getOrDefault(f.name(), 0L));
      }
    }
    for (String name : values.keySet()) {
      if (kind.field(name) == null) {
        throw new IllegalArgumentException(kind + " has no field '" + name + "'");
      }
    }
    return new IsaInst(kind, list);
  }

  public long value(String field) {
    return values.get(kind.fields().indexOf(kind.field(field)));
  }

  /** The opcode this instruction encodes with. */
  public int opcode() {
    Field variant = kind.opcodeField();
    return variant == null ? kind.baseOpcode()
        : kind.baseOpcode() + (int) ((value(variant.name()) - variant.min()) << variant.lsb());
  }

  /** One message per field out of its range: `'rd' is 32: expected an integer in 0..31`. */
  public List<String> rangeErrors() {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      Field f = kind.fields().get(i);
      String error = f.rangeError(values.get(i));
      if (error != null) {
        errors.add("'" + f.name() + "' is " + values.get(i) + ": " + error);
      }
    }
    return errors;
  }

  /** The `isa` op of this instruction at `location`, detached. */
  public Operation toOp(Location location) {
    Attribute.DictionaryAttr attrs = Attribute.DictionaryAttr.EMPTY;
    for (int i = 0; i < values.size(); i++) {
      Field f = kind.fields().get(i);
      if (f.kind() != Field.Kind.FLAGS || values.get(i) != 0) {
        attrs = attrs.with(f.name(), Attribute.IntegerAttr.i64(values.get(i)));
      }
    }
    return Operation.create(kind.opName(), IsaDialect.def(kind), List.of(), List.of(), attrs,
        null, List.of(), 0, location);
  }

  /** The instruction an `isa` instruction op holds; its attributes must have verified. */
  public static IsaInst fromOp(Operation op) {
    Instruction kind = Instruction.ofOpName(op.name());
    if (kind == null) {
      throw new IllegalArgumentException("'" + op.name() + "' is not an isa instruction");
    }
    List<Long> list = new ArrayList<>();
    for (Field f : kind.fields()) {
      Attribute a = op.attr(f.name());
      list.add(a instanceof Attribute.IntegerAttr i ? i.value().longValue() : 0L);
    }
    return new IsaInst(kind, list);
  }
}
