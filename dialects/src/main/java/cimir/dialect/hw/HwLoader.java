package cimir.dialect.hw;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a hardware description in cimir's JSON schema (docs/hw-schema.md): an object that
 * mirrors {@link HardwareModel} with camelCase names, complete, or starting from a preset with
 * `"base": "cimflow"` and giving only the fields it changes. Every problem is an
 * {@link HwException} at the position of the field in the file. A file in CIMFlow's own format
 * (a top-level `chip_config`) goes to {@link CimflowConfigLoader}.
 */
public final class HwLoader {
  private HwLoader() {}

  /** The model `file` describes; its name defaults to the file name without `.json`. */
  public static HardwareModel load(Path file) throws HwException {
    String name = file.toString();
    JsonTree.Node root = JsonTree.read(file, name);
    if (!(root instanceof JsonTree.Obj obj)) {
      throw JsonTree.error(name, root, "expected a JSON object, but got "
          + JsonTree.describe(root));
    }
    if (obj.member("chip_config") != null && obj.member("cores") == null) {
      return CimflowConfigLoader.load(file);
    }
    return new Reader(name, defaultName(file)).read(obj);
  }

  private static String defaultName(Path file) {
    String n = file.getFileName() == null ? "hw" : file.getFileName().toString();
    return n.endsWith(".json") && n.length() > 5 ? n.substring(0, n.length() - 5) : n;
  }

  /** One file being read: the values found so far and where each one was. */
  private static final class Reader {
    final String file;
    final String defaultName;
    final Map<String, Object> values = new LinkedHashMap<>();
    /** Where each field or object of the file is (its value). */
    final Map<String, JsonTree.Pos> where = new HashMap<>();
    JsonTree.Node base;

    Reader(String file, String defaultName) {
      this.file = file;
      this.defaultName = defaultName;
    }

    HardwareModel read(JsonTree.Obj root) throws HwException {
      JsonTree.Member baseMember = root.member(HwFields.BASE);
      if (baseMember != null) {
        base = baseMember.value();
        if (!(base instanceof JsonTree.Str s)) {
          throw JsonTree.error(file, base, "'base' must be a preset name (" + String.join(", ",
              HwPresets.names()) + "), but got " + JsonTree.describe(base));
        }
        HardwareModel preset = HwPresets.byName(s.value()).orElseThrow(() -> JsonTree.error(file,
            s, "unknown preset '" + s.value() + "' in 'base'; expected one of " + String.join(
            ", ", HwPresets.names())));
        values.putAll(HwFields.flatten(preset));
      }
      values.put("name", defaultName);
      where.put("", root.pos());
      walk(root);
      if (base == null) {
        requireAll(root);
      }
      macrosPerCore(root);
      HardwareModel m = HwFields.build(values);
      List<HwValidator.Problem> problems = HwValidator.check(m);
      if (!problems.isEmpty()) {
        HwValidator.Problem p = problems.get(0);
        throw JsonTree.error(file, position(p.paths()), p.message());
      }
      return m;
    }

    /** The first of `paths` the file gives; else `base` (where the value came from). */
    JsonTree.Pos position(List<String> paths) {
      for (String p : paths) {
        if (where.containsKey(p)) {
          return where.get(p);
        }
      }
      return base != null ? base.pos() : where.get("");
    }

    /** Reads every member of `obj`, in file order: unknown fields and wrong types are errors. */
    void walk(JsonTree.Obj obj) throws HwException {
      for (JsonTree.Member m : obj.members().values()) {
        String path = obj.path().isEmpty() ? m.key() : obj.path() + "." + m.key();
        JsonTree.Node v = m.value();
        if (path.equals(HwFields.BASE)) {
          continue;
        }
        if (HwFields.isObject(path)) {
          if (!(v instanceof JsonTree.Obj child)) {
            throw JsonTree.error(file, v, "'" + path + "' must be an object, but got "
                + JsonTree.describe(v));
          }
          where.put(path, v.pos());
          walk(child);
          continue;
        }
        HwFields.Field f = HwFields.field(path);
        if (f == null && !path.equals(HwFields.MACROS_PER_CORE)) {
          String in = obj.path().isEmpty() ? "" : " in '" + obj.path() + "'";
          throw JsonTree.error(file, m.keyPos(), "unknown field '" + m.key() + "'" + in
              + "; expected one of " + String.join(", ", HwFields.members(obj.path())));
        }
        HwFields.Kind kind = f == null ? HwFields.Kind.INT : f.kind();
        values.put(path, value(path, kind, v));
        where.put(path, v.pos());
      }
    }

    /** The value of `v` as `kind`, or an error naming `path`. */
    Object value(String path, HwFields.Kind kind, JsonTree.Node v) throws HwException {
      return HwLoader.value(file, path, kind, v);
    }

    /** Without a base, every field but `name` (and K or T when `macrosPerCore` is given). */
    void requireAll(JsonTree.Obj root) throws HwException {
      for (String object : HwFields.OBJECTS) {
        JsonTree.Obj obj = find(root, object);
        if (obj == null) {
          continue;
        }
        for (String key : HwFields.members(object)) {
          String path = object.isEmpty() ? key : object + "." + key;
          boolean optional = path.equals(HwFields.BASE) || path.equals("name")
              || path.equals(HwFields.MACROS_PER_CORE)
              || obj.member("macrosPerCore") != null && (path.equals("core.macroGroups")
              && obj.member("macrosPerGroup") != null || path.equals("core.macrosPerGroup")
              && obj.member("macroGroups") != null);
          if (!optional && obj.member(key) == null) {
            throw JsonTree.error(file, obj, "missing field '" + key + "'"
                + (object.isEmpty() ? "" : " in '" + object + "'"));
          }
        }
      }
    }

    /** The object at `path` in the file, or null. */
    static JsonTree.Obj find(JsonTree.Obj root, String path) {
      JsonTree.Obj at = root;
      if (path.isEmpty()) {
        return at;
      }
      for (String key : path.split("\\.")) {
        if (!(at.get(key) instanceof JsonTree.Obj next)) {
          return null;
        }
        at = next;
      }
      return at;
    }

    /**
     * `core.macrosPerCore` (CIMFlow's `macro_total_cnt`) must be K x T; with only one of K and
     * T in the file, it gives the other one.
     */
    void macrosPerCore(JsonTree.Obj root) throws HwException {
      if (!values.containsKey(HwFields.MACROS_PER_CORE)) {
        return;
      }
      int total = (Integer) values.remove(HwFields.MACROS_PER_CORE);
      JsonTree.Pos at = where.get(HwFields.MACROS_PER_CORE);
      if (total <= 0) {
        throw JsonTree.error(file, at, "'core.macrosPerCore' must be positive, but is " + total);
      }
      boolean hasK = where.containsKey("core.macroGroups");
      boolean hasT = where.containsKey("core.macrosPerGroup");
      int k = (Integer) values.getOrDefault("core.macroGroups", 0);
      int t = (Integer) values.getOrDefault("core.macrosPerGroup", 0);
      if (hasK && hasT) {
        if ((long) k * t != total) {
          throw JsonTree.error(file, at, "'core.macrosPerCore' is " + total
              + ", but 'core.macroGroups' x 'core.macrosPerGroup' is " + k + " x " + t + " = "
              + (long) k * t);
        }
      } else if (!hasK) {
        // T from the file or the base: K = total / T, as CIMFlow's macro_group_size does.
        if (t > 0 && total % t != 0) {
          throw JsonTree.error(file, at, "T does not divide the macro count: 'core.macrosPerCore'"
              + " = " + total + " is not a multiple of 'core.macrosPerGroup' = " + t);
        }
        if (t > 0) {
          values.put("core.macroGroups", total / t);
          where.put("core.macroGroups", at);
        }
      } else {
        if (k > 0 && total % k != 0) {
          throw JsonTree.error(file, at, "K does not divide the macro count: 'core.macrosPerCore'"
              + " = " + total + " is not a multiple of 'core.macroGroups' = " + k);
        }
        if (k > 0) {
          values.put("core.macrosPerGroup", total / k);
          where.put("core.macrosPerGroup", at);
        }
      }
    }
  }

  /** `v` read as `kind` for the field `path` of `file`, or an error at `v`. */
  static Object value(String file, String path, HwFields.Kind kind, JsonTree.Node v)
      throws HwException {
    String wrong = "'" + path + "' must be " + kind.expected + ", but got " + JsonTree.describe(v);
    switch (kind) {
      case INT, LONG -> {
        if (!(v instanceof JsonTree.Num n) || !n.integral()) {
          throw JsonTree.error(file, v, wrong);
        }
        BigInteger b = n.bigInteger();
        BigInteger max = BigInteger.valueOf(kind == HwFields.Kind.INT ? Integer.MAX_VALUE
            : Long.MAX_VALUE);
        if (b.abs().compareTo(max) > 0) {
          throw JsonTree.error(file, v, "'" + path + "' is out of range: " + n.text()
              + " (at most " + max + ")");
        }
        return kind == HwFields.Kind.INT ? (Object) b.intValue() : (Object) b.longValue();
      }
      case DOUBLE -> {
        if (!(v instanceof JsonTree.Num n)) {
          throw JsonTree.error(file, v, wrong);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          throw JsonTree.error(file, v, "'" + path + "' is out of range: " + n.text());
        }
        return d;
      }
      case BOOL -> {
        if (!(v instanceof JsonTree.Bool b)) {
          throw JsonTree.error(file, v, wrong);
        }
        return b.value();
      }
      default -> {
        if (!(v instanceof JsonTree.Str s)) {
          throw JsonTree.error(file, v, wrong);
        }
        return s.value();
      }
    }
  }
}
