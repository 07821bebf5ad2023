package io.lunpool.core.model;

import io.lunpool.core.LunpoolException;
import java.util.List;

/**
 * How a pool is kept: every LUN is {@code lunSizeBytes}; the maintainer keeps between {@code minFree} and
 * {@code maxFree} LUNs FREE, each with a pre-made {@code fsType} filesystem; {@code maxLuns} caps the
 * pool's LUNs on the array (0 = no cap), after which a create with no FREE LUN is EXHAUSTED.
 */
public record PoolPolicy(long lunSizeBytes, int minFree, int maxFree, FsType fsType, List<String> mkfsOptions,
                         int maxLuns) {
    public static final long MIN_LUN_BYTES = 16L << 20;
    public static final long MIN_XFS_LUN_BYTES = 300L << 20;

    public PoolPolicy {
        mkfsOptions = mkfsOptions == null ? List.of() : List.copyOf(mkfsOptions);
        fsType = fsType == null ? FsType.EXT4 : fsType;
    }

    /** Throws INVALID naming the first rule the policy breaks. */
    public PoolPolicy validate() {
        if (lunSizeBytes < MIN_LUN_BYTES) {
            throw LunpoolException.invalid("lunSizeBytes " + lunSizeBytes + " is below the minimum of 16M");
        }
        if (fsType == FsType.XFS && lunSizeBytes < MIN_XFS_LUN_BYTES) {
            throw LunpoolException.invalid("xfs needs LUNs of at least 300M; lunSizeBytes is " + lunSizeBytes);
        }
        if (minFree < 0 || maxFree < 0) {
            throw LunpoolException.invalid("minFree and maxFree must not be negative");
        }
        if (minFree > maxFree) {
            throw LunpoolException.invalid("minFree " + minFree + " is greater than maxFree " + maxFree);
        }
        if (maxLuns < 0 || (maxLuns > 0 && maxLuns < maxFree)) {
            throw LunpoolException.invalid("maxLuns " + maxLuns + " must be 0 (no cap) or at least maxFree " + maxFree);
        }
        for (String opt : mkfsOptions) {
            if (opt == null || opt.isEmpty() || opt.chars().anyMatch(Character::isISOControl)) {
                throw LunpoolException.invalid("mkfsOptions holds an empty value or a control character");
            }
        }
        return this;
    }
}
