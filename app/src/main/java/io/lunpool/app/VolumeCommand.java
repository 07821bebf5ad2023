package io.lunpool.app;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Sizes;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.VolumeView;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;

/** {@code lunpool volume create|ls|inspect|rm}. */
final class VolumeCommand extends ClientCommand {
    VolumeCommand(PrintStream out) {
        super("volume", "Create, list, inspect or remove volumes (over the REST API)", out);
    }

    @Override
    void configureActions(Subparsers actions) {
        Subparser create = action(actions, "create", "create a volume from a pool");
        create.addArgument("name");
        create.addArgument("--pool");
        create.addArgument("--size").help("e.g. 64M; at most the pool's LUN size");
        create.addArgument("--opt").nargs("*").help("key=value options: fsType, iops, bps");
        action(actions, "ls", "list volumes");
        action(actions, "inspect", "show one volume").addArgument("name");
        action(actions, "rm", "remove a volume; its LUN is wiped and returned to the pool").addArgument("name");
    }

    @Override
    void execute(LunpoolClient client, Namespace ns, boolean json) throws Exception {
        switch (ns.getString("action")) {
            case "create" -> show(List.of(client.createVolume(new CreateVolumeRequest(ns.getString("name"),
                    ns.getString("pool"), ns.getString("size"), options(ns.getList("opt")), null))), json, true);
            case "inspect" -> show(List.of(client.volume(ns.getString("name"))), json, true);
            case "rm" -> {
                client.deleteVolume(ns.getString("name"));
                out.println(ns.getString("name"));
            }
            default -> show(client.volumes(), json, false);
        }
    }

    private static Map<String, String> options(List<String> opts) {
        Map<String, String> parsed = new LinkedHashMap<>();
        if (opts != null) {
            for (String o : opts) {
                int eq = o.indexOf('=');
                if (eq <= 0) {
                    throw LunpoolException.invalid("option '" + o + "' is not key=value");
                }
                parsed.put(o.substring(0, eq), o.substring(eq + 1));
            }
        }
        return parsed;
    }

    private void show(List<VolumeView> volumes, boolean json, boolean single) throws Exception {
        if (json) {
            printJson(single ? volumes.get(0) : volumes);
            return;
        }
        Table t = new Table("VOLUME", "POOL", "SIZE", "LUN", "ATTACHED TO", "CREATED", "OPTIONS");
        for (VolumeView v : volumes) {
            t.row(v.name(), v.pool(), Sizes.format(v.sizeBytes()), v.lun(), v.attachedTo(), v.createdAt(),
                    v.options().isEmpty() ? "-" : v.options());
        }
        t.print(out);
    }
}
