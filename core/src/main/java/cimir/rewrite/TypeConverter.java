package cimir.rewrite;

import cimir.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Maps types of the source dialects to types of the target. Conversions are tried newest
 * first; each returns the converted type, or empty to pass. A type no conversion handles is
 * left as it is.
 */
public final class TypeConverter {
  private final List<Function<Type, Optional<Type>>> conversions = new ArrayList<>();

  public TypeConverter addConversion(Function<Type, Optional<Type>> conversion) {
    conversions.add(0, conversion);
    return this;
  }

  public Type convert(Type t) {
    for (Function<Type, Optional<Type>> c : conversions) {
      Optional<Type> r = c.apply(t);
      if (r.isPresent()) {
        return r.get();
      }
    }
    return t;
  }

  public List<Type> convert(List<Type> types) {
    List<Type> out = new ArrayList<>(types.size());
    for (Type t : types) {
      out.add(convert(t));
    }
    return out;
  }

  public boolean isLegal(Type t) {
    return convert(t).equals(t);
  }
}
