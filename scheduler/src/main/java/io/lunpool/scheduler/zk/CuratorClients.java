package io.lunpool.scheduler.zk;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Builds the Curator client every process uses. The session error policy makes only a LOST session an
 * error for recipes, so a leader keeps the lead through a SUSPENDED connection that comes back in time.
 */
public final class CuratorClients {
    private CuratorClients() {
    }

    public static CuratorFramework start(String connect, Duration sessionTimeout) throws InterruptedException {
        return start(connect, sessionTimeout, Duration.ofMillis(Math.min(sessionTimeout.toMillis(), 15_000)));
    }

    /**
     * As above with a given connection timeout: how long an operation waits for a lost connection to come back
     * before Curator retries it (and, its retries spent, reports CONNECTIONLOSS).
     */
    public static CuratorFramework start(String connect, Duration sessionTimeout, Duration connectionTimeout)
            throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connect)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) connectionTimeout.toMillis())
                .retryPolicy(new ExponentialBackoffRetry(100, 5))
                .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
                .build();
        client.start();
        if (!client.blockUntilConnected((int) Math.max(15, sessionTimeout.toSeconds()), java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new IllegalStateException("could not connect to ZooKeeper at " + connect + " within "
                    + Math.max(15, sessionTimeout.toSeconds()) + " s");
        }
        return client;
    }
}
