package cimir.lowering.metatoisa;

import cimir.ir.Operation;

/** A meta-operator the lowering cannot turn into instructions; becomes a diagnostic on `op`. */
final class LoweringException extends RuntimeException {
  final transient Operation op;

  LoweringException(Operation op, String message) {
    super(message, null, false, false);
    this.op = op;
  }
}
