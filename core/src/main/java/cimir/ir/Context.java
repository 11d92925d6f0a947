package cimir.ir;

import cimir.diag.DiagnosticEngine;
import cimir.diag.SourceManager;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a compilation shares: the registered dialects and their ops, the source buffers and the
 * diagnostic engine, and whether unregistered ops are allowed.
 */
public final class Context {
  private final Map<String, Dialect> dialects = new LinkedHashMap<>();
  private final Map<String, OpDef> ops = new TreeMap<>();
  private final SourceManager sources = new SourceManager();
  private final DiagnosticEngine diagnostics = new DiagnosticEngine(sources);
  private boolean allowUnregistered;

  public void register(Dialect dialect) {
    dialects.put(dialect.name(), dialect);
    for (OpDef def : dialect.ops()) {
      ops.put(def.name(), def);
    }
  }

  public OpDef lookupOp(String name) {
    return ops.get(name);
  }

  /** Whether an op named `name` may exist without a definition. */
  public boolean acceptsUnknownOp(String name) {
    int dot = name.indexOf('.');
    Dialect d = dot < 0 ? null : dialects.get(name.substring(0, dot));
    return d != null ? d.allowsUnknownOps() : allowUnregistered;
  }

  public boolean isDialectRegistered(String name) {
    return dialects.containsKey(name);
  }

  public Collection<Dialect> dialects() {
    return Collections.unmodifiableCollection(dialects.values());
  }

  public Collection<OpDef> ops() {
    return Collections.unmodifiableCollection(ops.values());
  }

  public DiagnosticEngine diagnostics() {
    return diagnostics;
  }

  public SourceManager sources() {
    return sources;
  }

  public boolean allowUnregistered() {
    return allowUnregistered;
  }

  public void setAllowUnregistered(boolean allow) {
    this.allowUnregistered = allow;
  }
}
