package io.lunpool.scheduler.pool;

import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.spi.StorageArray.ArrayLun;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides what to do with the LUNs the array holds and the state does not record (a leader died between carving
 * and recording, a retire cut short, or ZooKeeper lost its data while the array kept its LUNs): each one of a known
 * pool (the pool its name starts with, as the maintainer names LUNs {@code <pool>-<hex>}) is adopted as WIPING, so
 * it is wiped, verified and re-made before anyone gets it; a LUN of no known pool is left alone. LUNs that a
 * provision or retire of this term is working on are not strangers. Pure.
 */
final class AdoptionPlanner {
    private AdoptionPlanner() {
    }

    /** The LUN records to add, and the array LUNs of no known pool. */
    record Adoptions(List<Lun> adopt, List<ArrayLun> unknownPool) {
    }

    /** {@code inFlight} tells by name or wwn whether a provision or retire of this term works on an array LUN. */
    static Adoptions plan(List<ArrayLun> onArray, Predicate<String> recorded, Set<String> poolNames,
                          Predicate<String> inFlight) {
        List<Lun> adopt = new ArrayList<>();
        List<ArrayLun> unknown = new ArrayList<>();
        for (ArrayLun a : onArray) {
            if (recorded.test(a.wwn()) || inFlight.test(a.wwn()) || inFlight.test(a.name())) {
                continue;
            }
            String pool = poolOf(a.name());
            if (!poolNames.contains(pool)) {
                unknown.add(a);
                continue;
            }
            adopt.add(new Lun(a.wwn(), pool, LunState.WIPING, null, a.backing(), a.sizeBytes(), null));
        }
        return new Adoptions(adopt, unknown);
    }

    /** {@code gold-a1b2c3d4e5} belongs to pool {@code gold}; a name without a dash to none. */
    static String poolOf(String lunName) {
        int dash = lunName.lastIndexOf('-');
        return dash > 0 ? lunName.substring(0, dash) : "";
    }
}
