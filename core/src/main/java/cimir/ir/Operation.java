package cimir.ir;

import cimir.ir.Attribute.DictionaryAttr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one mutable IR node: a named operation with operands, results, attributes, properties,
 * regions and successors, at a location, inside a block. Op classes are thin views over it.
 */
public final class Operation {
  private final String name;
  private final OpDef def;
  private final List<OpOperand> operands = new ArrayList<>();
  private final List<OpResult> results;
  private DictionaryAttr attributes;
  private DictionaryAttr properties;
  private final List<Region> regions = new ArrayList<>();
  private final List<Block> successors = new ArrayList<>();
  private Location location;
  Block block;
  Operation prev;
  Operation next;

  private Operation(String name, OpDef def, List<Type> resultTypes, Location location) {
    this.name = name;
    this.def = def;
    this.location = location;
    this.attributes = DictionaryAttr.EMPTY;
    List<OpResult> rs = new ArrayList<>(resultTypes.size());
    for (Type t : resultTypes) {
      rs.add(new OpResult(this, rs.size(), t));
    }
    this.results = Collections.unmodifiableList(rs);
  }

  /** Creates a detached operation; `def` is null for an unregistered op. */
  public static Operation create(String name, OpDef def, List<Value> operands,
      List<Type> resultTypes, DictionaryAttr attributes, DictionaryAttr properties,
      List<Block> successors, int numRegions, Location location) {
    Operation op = new Operation(name, def, resultTypes, location);
    for (Value v : operands) {
      op.operands.add(new OpOperand(op, op.operands.size(), v));
    }
    op.attributes = attributes == null ? DictionaryAttr.EMPTY : attributes;
    op.properties = properties;
    op.successors.addAll(successors);
    for (int i = 0; i < numRegions; i++) {
      op.regions.add(new Region(op));
    }
    return op;
  }

  public String name() {
    return name;
  }

  /** The dialect namespace: the part of the name before the first dot. */
  public String dialect() {
    int dot = name.indexOf('.');
    return dot < 0 ? "" : name.substring(0, dot);
  }

  /** The definition, or null when the op is not registered. */
  public OpDef def() {
    return def;
  }

  public boolean isRegistered() {
    return def != null;
  }

  public boolean hasTrait(Trait trait) {
    return def != null && def.traits().contains(trait);
  }

  public Location location() {
    return location;
  }

  public void setLocation(Location location) {
    this.location = location;
  }

  // ---- Operands and results ----

  public int numOperands() {
    return operands.size();
  }

  public Value operand(int i) {
    return operands.get(i).get();
  }

  public List<Value> operands() {
    List<Value> out = new ArrayList<>(operands.size());
    for (OpOperand o : operands) {
      out.add(o.get());
    }
    return out;
  }

  public List<OpOperand> operandUses() {
    return Collections.unmodifiableList(operands);
  }

  public void setOperand(int i, Value v) {
    operands.get(i).set(v);
  }

  /** Replaces all operands. */
  public void setOperands(List<Value> values) {
    for (OpOperand o : operands) {
      o.unlink();
    }
    operands.clear();
    for (Value v : values) {
      operands.add(new OpOperand(this, operands.size(), v));
    }
  }

  public int numResults() {
    return results.size();
  }

  public OpResult result(int i) {
    return results.get(i);
  }

  public List<OpResult> results() {
    return results;
  }

  public List<Type> resultTypes() {
    List<Type> out = new ArrayList<>(results.size());
    for (OpResult r : results) {
      out.add(r.type());
    }
    return out;
  }

  public List<Type> operandTypes() {
    List<Type> out = new ArrayList<>(operands.size());
    for (OpOperand o : operands) {
      out.add(o.get().type());
    }
    return out;
  }

  // ---- Attributes ----

  public DictionaryAttr attributes() {
    return attributes;
  }

  public void setAttributes(DictionaryAttr attributes) {
    this.attributes = attributes;
  }

  public Attribute attr(String attrName) {
    Attribute a = properties == null ? null : properties.get(attrName);
    return a != null ? a : attributes.get(attrName);
  }

  /** Sets (or with null removes) a discardable attribute. */
  public void setAttr(String attrName, Attribute value) {
    attributes = attributes.with(attrName, value);
  }

  /** The properties dictionary `<{...}>`, or null when the op has none. */
  public DictionaryAttr properties() {
    return properties;
  }

  public void setProperties(DictionaryAttr properties) {
    this.properties = properties;
  }

  // ---- Regions, successors and structure ----

  public List<Region> regions() {
    return Collections.unmodifiableList(regions);
  }

  public Region region(int i) {
    return regions.get(i);
  }

  public int numRegions() {
    return regions.size();
  }

  public List<Block> successors() {
    return Collections.unmodifiableList(successors);
  }

  public void setSuccessor(int i, Block b) {
    successors.set(i, b);
  }

  /** The enclosing block, or null when detached. */
  public Block block() {
    return block;
  }

  /** The operation whose region holds this one, or null at the top. */
  public Operation parentOp() {
    return block == null || block.parent() == null ? null : block.parent().parentOp();
  }

  public Operation nextInBlock() {
    return next;
  }

  public Operation prevInBlock() {
    return prev;
  }

  /** True when `this` is `other` or nested inside one of its regions. */
  public boolean isInsideOf(Operation other) {
    for (Operation p = this; p != null; p = p.parentOp()) {
      if (p == other) {
        return true;
      }
    }
    return false;
  }

  /** Unlinks this op from its block and drops its operands' uses, recursively. */
  public void erase() {
    if (block != null) {
      block.remove(this);
    }
    dropAllReferences();
  }

  /** Drops the uses held by this op and every op nested in it. */
  public void dropAllReferences() {
    for (OpOperand o : operands) {
      o.unlink();
    }
    for (Region r : regions) {
      for (Block b : r.blocks()) {
        for (Operation op : b.ops()) {
          op.dropAllReferences();
        }
      }
    }
  }

  /** Visits this op and every nested op, parents before children. */
  public void walk(Consumer<Operation> visitor) {
    visitor.accept(this);
    for (Region r : regions) {
      for (Block b : r.blocks()) {
        for (Operation op = b.first(); op != null; ) {
          Operation following = op.next;
          op.walk(visitor);
          op = following;
        }
      }
    }
  }

  /** Visits the nested ops of one view type, e.g. `op.walk(MvmOp.class, ...)`. */
  public <T> void walk(Class<T> view, Consumer<T> visitor) {
    walk(op -> {
      OpDef d = op.def();
      if (d != null && d.view() == view) {
        visitor.accept(view.cast(d.wrap(op)));
      }
    });
  }

  @Override
  public String toString() {
    return "'" + name + "' op";
  }
}
