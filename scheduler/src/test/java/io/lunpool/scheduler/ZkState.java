package io.lunpool.scheduler;

import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.Versioned;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks made directly on what ZooKeeper holds, not on what the control plane says. */
public final class ZkState {
    private ZkState() {
    }

    /**
     * Every node under {@code root} with its data and version: compare two dumps to prove nothing changed. The
     * election nodes and the term markers are left out: they record who leads and how many transactions its
     * term made (a refusal is answered only after a transaction moved the marker), not state.
     */
    public static Map<String, String> dump(CuratorFramework client, String root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        walk(client, root, out);
        return out;
    }

    private static void walk(CuratorFramework client, String path, Map<String, String> out) throws Exception {
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        out.put(path, "v" + stat.getVersion() + " c" + stat.getCversion() + " "
                + (data == null ? "" : new String(data, StandardCharsets.UTF_8)));
        for (String child : client.getChildren().forPath(path)) {
            if (!path.endsWith("/leader") && !path.endsWith("/terms")) {
                walk(client, path.equals("/") ? "/" + child : path + "/" + child, out);
            }
        }
    }

    /**
     * Asserts that a leader's inventory holds exactly what the store holds: every record of every kind at the
     * same version, and the same LUN counts per pool as an inventory loaded afresh.
     */
    public static void assertInventoryMatchesStore(Inventory inventory, StateStore store) {
        Inventory fresh = Inventory.load(store);
        for (Kind<?> kind : Kind.all()) {
            List<? extends Versioned<?>> expected = fresh.list(kind);
            assertThat(List.<Versioned<?>>copyOf(inventory.list(kind))).as("the inventory's %s against the store's", kind)
                    .containsExactlyElementsOf(expected);
        }
        for (String pool : fresh.poolNames()) {
            assertThat(inventory.counts(pool)).as("LUN counts of pool %s", pool).isEqualTo(fresh.counts(pool));
        }
    }

    /**
     * Asserts that no LUN is claimed twice: every volume names a distinct LUN, that LUN is CLAIMED for
     * exactly that volume, and every CLAIMED LUN belongs to an existing volume. Returns the volume count.
     */
    public static int assertNoLunClaimedTwice(StateStore store) {
        List<Versioned<Volume>> volumes = store.list(Kind.VOLUME);
        Map<String, Versioned<Lun>> luns = new HashMap<>();
        store.list(Kind.LUN).forEach(l -> luns.put(l.key(), l));
        Map<String, String> lunToVolume = new HashMap<>();
        for (Versioned<Volume> v : volumes) {
            String previous = lunToVolume.put(v.value().lun(), v.key());
            assertThat(previous).as("LUN %s is held by volumes %s and %s", v.value().lun(), previous, v.key()).isNull();
            Versioned<Lun> lun = luns.get(v.value().lun());
            assertThat(lun).as("LUN of volume %s", v.key()).isNotNull();
            assertThat(lun.value().state()).isEqualTo(LunState.CLAIMED);
            assertThat(lun.value().volume()).isEqualTo(v.key());
        }
        long claimed = luns.values().stream().filter(l -> l.value().state() == LunState.CLAIMED).count();
        assertThat(claimed).as("CLAIMED LUNs equal volumes").isEqualTo(volumes.size());
        return volumes.size();
    }
}
