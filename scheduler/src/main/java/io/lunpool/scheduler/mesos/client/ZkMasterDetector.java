package io.lunpool.scheduler.mesos.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;

/**
 * Reads the leading master from the masters' ZooKeeper group before every subscription (see
 * {@link MasterInfoNodes} for the rule). The Curator client starts on first use and lives until close.
 */
final class ZkMasterDetector implements MasterDetector {
    private final MasterLocation.ZooKeeper location;
    private final String scheme;
    private final Duration sessionTimeout;
    private CuratorFramework client;

    ZkMasterDetector(MasterLocation.ZooKeeper location, String scheme, Duration sessionTimeout) {
        this.location = location;
        this.scheme = scheme;
        this.sessionTimeout = sessionTimeout;
    }

    @Override
    public URI master() throws NoLeaderException, InterruptedException {
        CuratorFramework zk = client();
        try {
            List<String> children = zk.getChildren().forPath(location.path());
            Optional<MasterInfoNodes.Member> leader = MasterInfoNodes.leader(children);
            if (leader.isEmpty()) {
                throw new NoLeaderException("no master is a member of " + location + " (children: " + children + ")",
                        null);
            }
            byte[] data = zk.getData().forPath(location.path() + "/" + leader.get().name());
            return URI.create(scheme + "://" + MasterInfoNodes.hostPort(leader.get(), data));
        } catch (KeeperException.NoNodeException e) {
            throw new NoLeaderException("no master group at " + location + " (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            throw e;
        } catch (NoLeaderException e) {
            throw e;
        } catch (Exception e) {
            throw new NoLeaderException("cannot read the leading master from " + location + ": " + e, e);
        }
    }

    private synchronized CuratorFramework client() throws NoLeaderException, InterruptedException {
        if (client == null) {
            CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                    .connectString(location.connectString())
                    .sessionTimeoutMs((int) sessionTimeout.toMillis())
                    .connectionTimeoutMs((int) Math.min(sessionTimeout.toMillis(), 15_000))
                    .retryPolicy(new ExponentialBackoffRetry(100, 3));
            location.digest().ifPresent(d -> builder.authorization("digest", d.getBytes(StandardCharsets.UTF_8)));
            CuratorFramework started = builder.build();
            started.start();
            client = started;
        }
        if (!client.getZookeeperClient().isConnected()
                && !client.blockUntilConnected((int) Math.min(sessionTimeout.toMillis(), 15_000), TimeUnit.MILLISECONDS)) {
            throw new NoLeaderException("cannot reach ZooKeeper at " + location, null);
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
