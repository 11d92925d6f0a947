package cimir.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An ordered list of blocks owned by an operation. */
public final class Region {
  private final Operation parentOp;
  private final List<Block> blocks = new ArrayList<>();

  Region(Operation parentOp) {
    this.parentOp = parentOp;
  }

  public Operation parentOp() {
    return parentOp;
  }

  public List<Block> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public Block entryBlock() {
    return blocks.isEmpty() ? null : blocks.get(0);
  }

  public void addBlock(Block b) {
    b.setParent(this);
    blocks.add(b);
  }

  public void insertBlock(int index, Block b) {
    b.setParent(this);
    blocks.add(index, b);
  }

  public void removeBlock(Block b) {
    blocks.remove(b);
    b.setParent(null);
  }

  /** The index of this region in its parent op. */
  public int index() {
    return parentOp.regions().indexOf(this);
  }

  /** Moves all blocks of `other` to the end of this region. */
  public void takeBody(Region other) {
    for (Block b : new ArrayList<>(other.blocks)) {
      other.removeBlock(b);
      addBlock(b);
    }
  }
}
