package io.lunpool.bench;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An array and host chores for LUN records only, so the control plane's own maintainer fills a pool with FREE LUNs
 * in a moment: a provisioned LUN exists nowhere (its wwn follows from its name, its backing is a path that does not
 * exist), prepare and wipe do nothing, the array lists nothing and leaves nothing over, and a claim, which guards
 * nothing here, is always granted. Creates and deletes never touch a LUN, so the control-plane bench needs no
 * more.
 */
final class RecordOnlyLuns implements StorageArray, LunChores {
    @Override
    public ArrayLun provision(String name, long sizeBytes) {
        String wwn = "naa.6" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
        return new ArrayLun(name, wwn, sizeBytes, "/nonexistent/" + name);
    }

    @Override
    public void delete(String wwn) {
    }

    @Override
    public void map(String wwn, String host, List<String> initiators) {
    }

    @Override
    public void unmap(String wwn, String host) {
    }

    @Override
    public List<ArrayLun> list() {
        return List.of();
    }

    @Override
    public Optional<LunClaim> tryClaim(String wwn, String owner) {
        return Optional.of(new LunClaim() {
            @Override
            public String wwn() {
                return wwn;
            }

            @Override
            public String owner() {
                return owner;
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public List<String> removeLeftovers() {
        return List.of();
    }

    @Override
    public void prepare(LunTarget lun, FsType fsType, List<String> mkfsOptions) {
    }

    @Override
    public void wipe(LunTarget lun) {
    }
}
