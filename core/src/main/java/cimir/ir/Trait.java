package cimir.ir;

/** Properties of an op that the generic verifier and the passes rely on. */
public enum Trait {
  /** No side effects: unused results can be erased, equal ops can be merged. */
  PURE,
  /** Must be the last operation of its block. */
  TERMINATOR,
  /** Its regions cannot use values defined outside the op. */
  ISOLATED_FROM_ABOVE,
  /** All operands and results have the same type. */
  SAME_OPERANDS_AND_RESULT_TYPE,
  /** Its regions are graph regions: no dominance order, no terminators. */
  GRAPH_REGION,
  /** Its region blocks need no terminator. */
  NO_TERMINATOR,
  /** Every region has at most one block. */
  SINGLE_BLOCK,
  /** Defines a symbol through a `sym_name` string attribute. */
  SYMBOL,
  /** Its region's blocks must end with a terminator (an SSACFG region with control flow). */
  REQUIRES_TERMINATOR
}
