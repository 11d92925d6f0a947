package cimir.parse;

import cimir.ir.Block;
import cimir.ir.Location;
import cimir.ir.Operation;
import cimir.ir.Type;
import cimir.ir.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.Token;

/**
 * SSA value and block names while parsing, with MLIR's scoping: names defined in a region are
 * visible in nested regions unless those are isolated from above; a value may be used before
 * its definition (a forward reference, resolved or reported when its isolated scope closes);
 * block names are local to their region.
 */
final class Scopes {
  /** A name bound to the values of a result group, with where it was defined. */
  private record Binding(List<? extends Value> values, Location at) {}

  /** A use of a name not yet defined: a placeholder op whose result stands in for it. */
  private record Forward(Operation placeholder, Token at) {}

  /** The names of one isolated scope; `regionDefs` records which names each open region added. */
  private static final class Isolated {
    final Map<String, Binding> values = new HashMap<>();
    final Map<String, Forward> forward = new LinkedHashMap<>();
    final Deque<List<String>> regionDefs = new ArrayDeque<>();
  }

  /** The blocks of one region: defined ones and forward references. */
  private static final class Blocks {
    final Map<String, Block> defined = new HashMap<>();
    final Map<String, Token> forward = new LinkedHashMap<>();
    final Map<String, Block> forwardBlocks = new HashMap<>();
  }

  private final Deque<Isolated> isolated = new ArrayDeque<>();
  private final Deque<Blocks> blocks = new ArrayDeque<>();

  void pushIsolated() {
    isolated.push(new Isolated());
    pushRegion();
  }

  void popIsolated(AttrParser p) {
    popRegion(p);
    Isolated s = isolated.pop();
    if (!s.forward.isEmpty()) {
      Map.Entry<String, Forward> first = s.forward.entrySet().iterator().next();
      Token at = first.getValue().at();
      throw p.error(at, "use of undeclared SSA value name");
    }
  }

  void pushRegion() {
    isolated.peek().regionDefs.push(new ArrayList<>());
    blocks.push(new Blocks());
  }

  void popRegion(AttrParser p) {
    Isolated s = isolated.peek();
    for (String name : s.regionDefs.pop()) {
      s.values.remove(name);
    }
    Blocks b = blocks.pop();
    if (!b.forward.isEmpty()) {
      Token at = b.forward.values().iterator().next();
      throw p.error(at, "reference to an undefined block");
    }
  }

  /** Binds `name` (`%x`) to a result group or block argument, resolving forward uses. */
  void define(String name, List<? extends Value> values, Location at, AttrParser p) {
    Isolated s = isolated.peek();
    Binding previous = s.values.get(name);
    if (previous != null) {
      throw new ParseError(at, "redefinition of SSA value '" + name + "'")
          .withNote(previous.at(), "previously defined here");
    }
    s.values.put(name, new Binding(values, at));
    s.regionDefs.peek().add(name);
    if (!values.isEmpty()) {
      resolveForward(s, name, values.get(0), at);
    }
    for (int i = 0; i < values.size(); i++) {
      resolveForward(s, name + "#" + i, values.get(i), at);
    }
    for (String key : new ArrayList<>(s.forward.keySet())) {
      if (key.startsWith(name + "#")) {
        Forward f = s.forward.get(key);
        throw p.error(f.at(), "reference to invalid result number");
      }
    }
  }

  private static void resolveForward(Isolated s, String key, Value v, Location at) {
    Forward f = s.forward.remove(key);
    if (f == null) {
      return;
    }
    Value placeholder = f.placeholder().result(0);
    if (!placeholder.type().equals(v.type())) {
      throw new ParseError(at, "definition of SSA value '" + key + "' has type "
          + IrParser.str(v.type()) + " but was used before as " + IrParser.str(placeholder.type()));
    }
    placeholder.replaceAllUsesWith(v);
    f.placeholder().erase();
  }

  /** The value a use `%x` or `%x#1` of type `type` refers to, or a forward placeholder. */
  Value use(Token id, Type type, AttrParser p) {
    String text = id.getText();
    int hash = text.indexOf('#');
    String name = hash < 0 ? text : text.substring(0, hash);
    int index = hash < 0 ? 0 : Integer.parseInt(text.substring(hash + 1));
    Isolated s = isolated.peek();
    Binding b = s.values.get(name);
    if (b != null) {
      if (index >= b.values().size()) {
        throw p.error(id, "reference to invalid result number");
      }
      Value v = b.values().get(index);
      if (!v.type().equals(type)) {
        throw p.error(id, "use of value '" + text + "' expects different type than prior uses: '"
            + IrParser.str(type) + "' vs '" + IrParser.str(v.type()) + "'")
            .withNote(b.at(), "prior use here");
      }
      return v;
    }
    String key = hash < 0 ? name : name + "#" + index;
    Forward f = s.forward.get(key);
    if (f == null) {
      Operation placeholder = Operation.create("builtin.unrealized_forward_ref", null, List.of(),
          List.of(type), null, null, List.of(), 0, p.loc(id));
      f = new Forward(placeholder, id);
      s.forward.put(key, f);
    } else if (!f.placeholder().result(0).type().equals(type)) {
      throw p.error(id, "use of value '" + text + "' expects different type than prior uses: '"
          + IrParser.str(type) + "' vs '" + IrParser.str(f.placeholder().result(0).type()) + "'")
          .withNote(p.loc(f.at()), "prior use here");
    }
    return f.placeholder().result(0);
  }

  /** The block a successor `^bb1` names, created when it is not defined yet. */
  Block blockRef(Token id, AttrParser p) {
    Blocks b = blocks.peek();
    String name = id.getText();
    Block block = b.defined.get(name);
    if (block != null) {
      return block;
    }
    block = b.forwardBlocks.computeIfAbsent(name, n -> new Block());
    b.forward.putIfAbsent(name, id);
    return block;
  }

  /** Defines the block labelled `^bb1`, reusing the block made by earlier references. */
  Block defineBlock(Token id, Block existing, AttrParser p) {
    Blocks b = blocks.peek();
    String name = id.getText();
    if (b.defined.containsKey(name)) {
      throw p.error(id, "redefinition of block '" + name + "'");
    }
    Block block = b.forwardBlocks.remove(name);
    b.forward.remove(name);
    if (existing != null) {
      block = existing; // the entry label comes first: nothing referred to it before

    } else if (block == null) {
      block = new Block();
    }
    b.defined.put(name, block);
    return block;
  }
}
