package cimir.dialect.hw;

/**
 * Where a core's memories sit in its address space, derived from the hardware description by
 * CIMFlow's packing order (docs/design/meta-to-isa.md, 2.1 and 7.1): the macro space, the
 * weight, input and output memories, the CIM input register buffer (1 KiB), 4 KiB + 128 B the
 * compiler reserves, then the global memory. For the cimflow preset this is exactly its
 * `config.json` map; no CIMFlow constant is written anywhere else.
 *
 * @param macro first byte of the macro space: array `slot` of a core at `macro + slot x arrayBytes`
 * @param arrayBytes bytes of one array (macro)
 * @param arrays arrays of one core
 */
public record AddressMap(long macro, long arrayBytes, int arrays, long wmem, long wmemBytes,
    long imem, long imemBytes, long omem, long omemBytes, long ibuf, long global,
    long globalBytes) {

  /** The CIM input register buffer's size. */
  public static final long IBUF_BYTES = 1024;
  /** The compiler-only buffers CIMFlow keeps space for between the buffer and global memory. */
  public static final long RESERVED_BYTES = 4096 + 128;

  public static AddressMap of(HardwareModel hw) {
    HardwareModel.LocalMemory local = hw.core().local();
    long arrayBytes = hw.core().macro().bytes();
    int arrays = hw.core().macros();
    long wmem = arrays * arrayBytes;
    long imem = wmem + local.weightBytes();
    long omem = imem + local.inputBytes();
    long ibuf = omem + local.outputBytes();
    long global = ibuf + IBUF_BYTES + RESERVED_BYTES;
    return new AddressMap(0, arrayBytes, arrays, wmem, local.weightBytes(), imem,
        local.inputBytes(), omem, local.outputBytes(), ibuf, global, hw.global().bytes());
  }

  /** The address of array `slot` (0 .. arrays - 1) of a core. */
  public long array(long slot) {
    return macro + slot * arrayBytes;
  }
}
