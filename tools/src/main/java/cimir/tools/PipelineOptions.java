package cimir.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of a textual pipeline set from outside it: cim-run's --batch, cim-explore's axes. */
final class PipelineOptions {
  private PipelineOptions() {}

  /**
   * `pipeline` with `options` set on its `segment` and `mode-alloc` passes (strategy on
   * segment alone), and `batch` also on `meta-to-isa`, so that the program runs the batch the
   * stages were cut for; they replace the pipeline's own values.
   */
  static String set(String pipeline, Map<String, String> options) {
    if (options.isEmpty()) {
      return pipeline;
    }
    List<String> out = new ArrayList<>();
    for (String pass : splitTopLevel(pipeline)) {
      int brace = pass.indexOf('{');
      String name = (brace < 0 ? pass : pass.substring(0, brace)).strip();
      boolean lowering = name.equals("meta-to-isa");
      if (!name.equals("segment") && !name.equals("mode-alloc")
          && !(lowering && options.containsKey("batch"))) {
        out.add(pass);
        continue;
      }
      Map<String, String> opts = new LinkedHashMap<>();
      if (brace >= 0) {
        for (String kv : pass.substring(brace + 1, pass.lastIndexOf('}')).strip().split("\\s+")) {
          if (!kv.isEmpty()) {
            int eq = kv.indexOf('=');
            opts.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
      options.forEach((k, v) -> {
        if (lowering ? k.equals("batch") : !k.equals("strategy") || name.equals("segment")) {
          opts.put(k, v);
        }
      });
      StringBuilder b = new StringBuilder(name).append('{');
      opts.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : " ").append(k)
          .append('=').append(v));
      out.add(b.append('}').toString());
    }
    return String.join(",", out);
  }

  private static List<String> splitTopLevel(String pipeline) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < pipeline.length(); i++) {
      char c = pipeline.charAt(i);
      depth += c == '{' || c == '(' ? 1 : c == '}' || c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        parts.add(pipeline.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(pipeline.substring(start));
    return parts;
  }
}
