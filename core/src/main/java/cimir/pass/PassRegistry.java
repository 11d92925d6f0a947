package cimir.pass;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The passes and named pipelines a tool knows, by argument. */
public final class PassRegistry {
  private final Map<String, PassInfo> passes = new TreeMap<>();
  private final Map<String, String> pipelines = new TreeMap<>();
  private final Map<String, String> pipelineSummaries = new TreeMap<>();

  public void register(PassInfo info) {
    passes.put(info.argument(), info);
  }

  /** Registers a named pipeline, e.g. `cimflow`, as pipeline text. */
  public void registerPipeline(String name, String summary, String text) {
    pipelines.put(name, text);
    pipelineSummaries.put(name, summary);
  }

  public PassInfo lookup(String argument) {
    return passes.get(argument);
  }

  public String pipeline(String name) {
    return pipelines.get(name);
  }

  public String pipelineSummary(String name) {
    return pipelineSummaries.get(name);
  }

  public Collection<PassInfo> passes() {
    return Collections.unmodifiableCollection(passes.values());
  }

  public Collection<String> pipelineNames() {
    return Collections.unmodifiableCollection(pipelines.keySet());
  }
}
