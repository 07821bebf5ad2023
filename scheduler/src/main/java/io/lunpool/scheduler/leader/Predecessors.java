package io.lunpool.scheduler.leader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The election nodes a dead predecessor of this instance left: nodes whose data is this instance's
 * participant id but whose ephemeral owner is not the current session. Only an instance that holds its
 * {@link InstanceLock} may delete them: the lock proves no live process of the same instance owns them.
 */
final class Predecessors {
    private static final Logger LOG = LoggerFactory.getLogger(Predecessors.class);

    private final CuratorFramework client;
    private final String latchPath;
    private final String self;
    private final InstanceLock lock;

    Predecessors(CuratorFramework client, String latchPath, String self, InstanceLock lock) {
        this.client = client;
        this.latchPath = latchPath;
        this.self = self;
        this.lock = lock;
    }

    /** Deletes them; returns how many. A failure is logged: the nodes then go with their session. */
    int remove() {
        if (!lock.isHeld()) {
            return 0;
        }
        try {
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            List<String> children;
            try {
                children = client.getChildren().forPath(latchPath);
            } catch (KeeperException.NoNodeException e) {
                return 0;
            }
            int removed = 0;
            for (String child : children) {
                String path = ZKPaths.makePath(latchPath, child);
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException e) {
                    continue;
                }
                if (data != null && self.equals(new String(data, StandardCharsets.UTF_8))
                        && stat.getEphemeralOwner() != session) {
                    LOG.warn("deleting election node {} of {}: its session 0x{} belongs to a process of this instance"
                            + " that is gone (this one holds the instance lock)", path, self,
                            Long.toHexString(stat.getEphemeralOwner()));
                    try {
                        client.delete().forPath(path);
                        removed++;
                    } catch (KeeperException.NoNodeException e) {
                        // its session expired meanwhile
                    }
                }
            }
            return removed;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("looking for election nodes of a dead predecessor failed; they go when their session expires", e);
            return 0;
        }
    }
}
