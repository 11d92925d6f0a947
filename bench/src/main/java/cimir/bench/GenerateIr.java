package cimir.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a large generic-form IR file: a chain of ops at module level, each using the previous
 * result, with attributes and tensor types. Usage: `GenerateIr OUT.cim [MEGABYTES]`.
 */
public final class GenerateIr {
  private GenerateIr() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "bench/out/chain.cim");
    long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 50) << 20;
    Files.createDirectories(out.toAbsolutePath().getParent());
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      long written = 0;
      String first = "%v0 = \"bench.input\"() : () -> tensor<1x64x56x56xi8>\n";
      w.write(first);
      written += first.length();
      for (long i = 1; written < bytes; i++) {
        String line = "%v" + i + " = \"bench.conv\"(%v" + (i - 1) + ") {dilations = array<i64: 1, 1>,"
            + " group = 1 : i64, name = \"layer" + i + "\", pads = [1, 1, 1, 1], scale = "
            + (0.5 + (i % 7) * 0.125) + " : f32, strides = [1, 1]} : (tensor<1x64x56x56xi8>)"
            + " -> tensor<1x64x56x56xi8>\n";
        w.write(line);
        written += line.length();
      }
    }
  }
}
