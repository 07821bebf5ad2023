package io.lunpool.scheduler.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import java.nio.charset.StandardCharsets;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Creates the root, the schema node, one folder per {@link Kind} and the folder of the term markers,
 * idempotently, and refuses a tree
 * written by a schema version this code does not know.
 */
final class ZkLayout {
    static final int SCHEMA_VERSION = 1;

    private ZkLayout() {
    }

    static void ensure(CuratorFramework client, ZkPaths paths) {
        try {
            createIfMissing(client, paths.root(), new byte[0]);
            byte[] wanted = ("{\"version\":" + SCHEMA_VERSION + "}").getBytes(StandardCharsets.UTF_8);
            if (!createIfMissing(client, paths.schema(), wanted)) {
                checkSchema(paths, client.getData().forPath(paths.schema()));
            }
            for (Kind<?> kind : Kind.all()) {
                createIfMissing(client, paths.folder(kind), new byte[0]);
            }
            createIfMissing(client, paths.terms(), new byte[0]);
        } catch (LunpoolException e) {
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw LunpoolException.transientError("creating the lunpool layout under " + paths.root()
                    + " in ZooKeeper failed: " + e + "; check that ZooKeeper is reachable and retry", e);
        }
    }

    /** Returns true if this call created the node. */
    private static boolean createIfMissing(CuratorFramework client, String path, byte[] data) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, data);
            return true;
        } catch (KeeperException.NodeExistsException e) {
            return false;
        }
    }

    static void checkSchema(ZkPaths paths, byte[] data) {
        String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
        int version;
        try {
            JsonNode node = Json.mapper().readTree(text).get("version");
            if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToInt()) {
                throw new IllegalArgumentException("no integer version");
            }
            version = node.intValue();
        } catch (Exception e) {
            throw LunpoolException.invalid("the schema node " + paths.schema() + " holds '" + text
                    + "', not {\"version\":N}; repair it or point lunpool at another ZooKeeper root");
        }
        if (version != SCHEMA_VERSION) {
            throw LunpoolException.invalid("ZooKeeper root " + paths.root() + " holds lunpool state of schema version "
                    + version + ", but this lunpool knows only version " + SCHEMA_VERSION
                    + "; run a lunpool release that knows version " + version + ", or use another root");
        }
    }
}
