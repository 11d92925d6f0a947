package cimir.pass;

import cimir.ir.Operation;
import java.util.function.Predicate;

/**
 * A property of the IR that passes need or establish, such as `segmented`. `present` recognises
 * it in input IR, so a pipeline can start from an IR that already has it.
 */
public record Stage(String name, String description, Predicate<Operation> present) {
  @Override
  public String toString() {
    return name;
  }
}
