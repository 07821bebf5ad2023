package io.lunpool.scheduler.store;

/** How error messages name a {@link StoreOp}: {@code Set luns/600a0b8 at version 3}. */
final class OpText {
    private OpText() {
    }

    static String describe(StoreOp op) {
        if (op instanceof StoreOp.Create<?> c) {
            return "Create " + c.kind() + "/" + c.key();
        } else if (op instanceof StoreOp.Set<?> s) {
            return "Set " + s.kind() + "/" + s.key() + " at version " + s.expectedVersion();
        } else if (op instanceof StoreOp.Delete d) {
            return "Delete " + d.kind() + "/" + d.key() + " at version " + d.expectedVersion();
        } else if (op instanceof StoreOp.Marker m) {
            return "Marker " + ZkPaths.termName(m.fenceToken()) + " at version " + m.expectedVersion();
        }
        return "Fence " + ((StoreOp.Fence) op).token();
    }
}
