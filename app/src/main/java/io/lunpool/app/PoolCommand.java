package io.lunpool.app;

import io.lunpool.core.Sizes;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.api.PoolView;
import java.io.PrintStream;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;

/** {@code lunpool pool ls|set}. */
final class PoolCommand extends ClientCommand {
    PoolCommand(PrintStream out) {
        super("pool", "List pools or set a pool's policy (over the REST API)", out);
    }

    @Override
    void configureActions(Subparsers actions) {
        action(actions, "ls", "list pools with their LUN counts");
        Subparser set = action(actions, "set", "create a pool or change its policy");
        set.addArgument("name");
        set.addArgument("--lun-size").dest("lunSize").help("size of every LUN, e.g. 1G");
        set.addArgument("--min-free").dest("minFree").type(Integer.class);
        set.addArgument("--max-free").dest("maxFree").type(Integer.class);
        set.addArgument("--fs-type").dest("fsType").help("ext4 or xfs");
        set.addArgument("--max-luns").dest("maxLuns").type(Integer.class).help("cap on LUNs (0 = none)");
        set.addArgument("--mkfs-option").dest("mkfs").nargs("*").help("extra mkfs arguments");
    }

    @Override
    void execute(LunpoolClient client, Namespace ns, boolean json) throws Exception {
        List<PoolView> pools;
        if ("set".equals(ns.getString("action"))) {
            List<String> mkfs = ns.getList("mkfs");
            pools = List.of(client.setPool(ns.getString("name"), new PoolRequest(ns.getString("lunSize"),
                    ns.getInt("minFree"), ns.getInt("maxFree"), ns.getString("fsType"), mkfs, ns.getInt("maxLuns"))));
        } else {
            pools = client.pools();
        }
        if (json) {
            printJson("set".equals(ns.getString("action")) ? pools.get(0) : pools);
            return;
        }
        Table t = new Table("POOL", "LUN SIZE", "FS", "MIN", "MAX", "MAX LUNS", "FREE", "CLAIMED", "PREPARING",
                "WIPING", "FAILED");
        for (PoolView p : pools) {
            t.row(p.name(), Sizes.format(p.policy().lunSizeBytes()), p.policy().fsType().id(), p.policy().minFree(),
                    p.policy().maxFree(), p.policy().maxLuns(), p.counts().free(), p.counts().claimed(),
                    p.counts().preparing(), p.counts().wiping(), p.counts().failed());
        }
        t.print(out);
    }
}
