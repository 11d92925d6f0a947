package cimir.dialect.meta;

import cimir.diag.DiagnosticEngine;
import cimir.ir.Attribute;
import cimir.ir.Operation;
import cimir.ir.Value;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a `meta.flow` in execution order: every core and array in range, every array used in
 * the mode its use needs (products on compute-mode arrays holding their weights, loads into
 * memory-mode arrays), switches that change a mode, tiles that fit their arrays, and every
 * `meta.send` paired with one `meta.recv` of its stage.
 */
final class MetaFlowVerifier {
  private final DiagnosticEngine diag;
  private final long cores;
  private final long perCore;
  private final long arrayBytes;
  private final boolean[] memory;
  private final Value[] weights;
  private boolean ok = true;

  private MetaFlowVerifier(Operation flow, DiagnosticEngine diag) {
    this.diag = diag;
    this.cores = count(flow, "cores");
    this.perCore = count(flow, "arrays_per_core");
    this.arrayBytes = count(flow, "array_bytes");
    int arrays = (int) Math.min(Integer.MAX_VALUE - 8, cores * perCore);
    this.memory = new boolean[arrays];
    this.weights = new Value[arrays];
  }

  static void verify(Operation flow, DiagnosticEngine diag) {
    cimir.ir.OpDef.Verifier.yieldsResults("meta.yield").verify(flow, diag);
    if (count(flow, "cores") <= 0 || count(flow, "arrays_per_core") <= 0
        || count(flow, "array_bytes") <= 0 || flow.region(0).isEmpty()) {
      return; // the attribute and region checks report it
    }
    MetaFlowVerifier v = new MetaFlowVerifier(flow, diag);
    for (Operation op : flow.region(0).entryBlock()) {
      if (!v.step(op)) {
        return;
      }
    }
  }

  private boolean step(Operation op) {
    switch (op.name()) {
      case "meta.switch" -> {
        boolean toMemory = string(op, "to").equals("memory");
        for (long a : arrays(op)) {
          if (inRange(op, a) && memory[(int) a] == toMemory) {
            return error(op, "switches array " + a + " to " + string(op, "to")
                + " mode, which it is in already");
          }
          if (ok) {
            memory[(int) a] = toMemory;
            weights[(int) a] = null;
          }
        }
      }
      case "meta.load_weights" -> loadWeights(op);
      case "meta.parallel" -> {
        Map<Long, Operation[]> channels = new TreeMap<>();
        for (Operation inner : op.region(0).entryBlock()) {
          if (!stage(inner, channels)) {
            return false;
          }
        }
        for (Map.Entry<Long, Operation[]> c : channels.entrySet()) {
          Operation[] pair = c.getValue();
          if (pair[0] == null || pair[1] == null) {
            Operation lone = pair[0] == null ? pair[1] : pair[0];
            return error(lone, "channel " + c.getKey() + " has no matching "
                + (pair[0] == null ? "meta.send" : "meta.recv") + " in its stage");
          }
          if (count(pair[0], "from") != count(pair[1], "from")
              || count(pair[0], "to") != count(pair[1], "to")
              || !pair[0].operand(0).type().equals(pair[1].result(0).type())) {
            return error(pair[1], "does not match the cores or type of the meta.send on"
                + " channel " + c.getKey());
          }
        }
      }
      case "meta.yield" -> {
        return true;
      }
      default -> {
        return error(op, "'" + op.name() + "' may not appear in a meta.flow (only switches,"
            + " weight loads and meta.parallel stages)");
      }
    }
    return ok;
  }

  private boolean stage(Operation op, Map<Long, Operation[]> channels) {
    if (op.attr("buffer") instanceof Attribute.DenseArrayAttr buffer) {
      for (long a : buffer.longValues()) {
        if (inRange(op, a) && !memory[(int) a]) {
          return error(op, "buffers in array " + a + ", which is in compute mode");
        }
      }
    }
    switch (op.name()) {
      case "meta.mvm" -> {
        long[] arrays = arrays(op);
        boolean streamed = op.attr("streamed") != null;
        for (long a : arrays) {
          if (inCompute(op, a) && !streamed && weights[(int) a] != op.operand(1)) {
            return error(op, "array " + a + " does not hold these weights (no meta.load_weights"
                + " of them since its last switch)");
          }
        }
        if (ok && inCore(op, count(op, "core")) && arrays[0] / perCore != count(op, "core")) {
          return error(op, "is issued from core " + count(op, "core") + ", but its first array "
              + arrays[0] + " sits on core " + arrays[0] / perCore);
        }
        if (streamed) {
          for (long a : arrays) {
            weights[(int) a] = null;
          }
        }
      }
      case "meta.load_weights" -> loadWeights(op);
      case "meta.vec", "meta.store" -> inCore(op, count(op, "core"));
      case "meta.load" -> {
        inCore(op, count(op, "core"));
        if (op.attr("arrays") != null) {
          long[] arrays = arrays(op);
          for (long a : arrays) {
            if (inRange(op, a) && !memory[(int) a]) {
              return error(op, "loads into array " + a + ", which is in compute mode");
            }
          }
          long room = arrays.length * arrayBytes;
          if (ok && count(op, "tile_bytes") > room) {
            return error(op, "moves tiles of " + count(op, "tile_bytes") + " bytes into "
                + arrays.length + " array(s) holding " + room);
          }
        }
      }
      case "meta.send", "meta.recv" -> {
        boolean send = op.name().equals("meta.send");
        if (inCore(op, count(op, "from")) && inCore(op, count(op, "to"))
            && count(op, "from") == count(op, "to")) {
          return error(op, "sends from core " + count(op, "from") + " to itself");
        }
        Operation[] pair = channels.computeIfAbsent(count(op, "channel"),
            k -> new Operation[2]);
        if (pair[send ? 0 : 1] != null) {
          return error(op, "reuses channel " + count(op, "channel") + " in its stage");
        }
        pair[send ? 0 : 1] = op;
      }
      case "meta.yield" -> {
        return ok;
      }
      default -> {
        return error(op, "'" + op.name() + "' may not appear in a meta.parallel");
      }
    }
    return ok;
  }

  private boolean loadWeights(Operation op) {
    for (long a : arrays(op)) {
      if (inCompute(op, a)) {
        weights[(int) a] = op.operand(0);
      }
    }
    return ok;
  }

  private boolean inCompute(Operation op, long a) {
    if (inRange(op, a) && memory[(int) a]) {
      return error(op, "uses array " + a + ", which is in memory mode");
    }
    return ok;
  }

  private boolean inRange(Operation op, long a) {
    if (a >= memory.length) {
      return error(op, "names array " + a + ", but the chip has " + memory.length);
    }
    return ok;
  }

  private boolean inCore(Operation op, long core) {
    if (core >= cores) {
      return error(op, "names core " + core + ", but the chip has " + cores);
    }
    return ok;
  }

  private boolean error(Operation op, String message) {
    if (ok) {
      diag.opError(op, message);
    }
    ok = false;
    return false;
  }

  private static long count(Operation op, String name) {
    return op.attr(name) instanceof Attribute.IntegerAttr i ? i.value().longValue() : -1;
  }

  private static String string(Operation op, String name) {
    return op.attr(name) instanceof Attribute.StringAttr s ? s.value() : "";
  }

  private static long[] arrays(Operation op) {
    return op.attr("arrays") instanceof Attribute.DenseArrayAttr a ? a.longValues()
        : new long[0];
  }
}
