package io.lunpool.scheduler.admin;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;

/**
 * The Curator client's connection as its listener last reported it, and since when; read without asking
 * ZooKeeper anything, so health checks can tell why the connection is down while it is.
 */
final class ConnectionWatch {
    private final CuratorFramework client;
    private volatile ConnectionState state = ConnectionState.CONNECTED;
    private volatile long since = System.nanoTime();

    ConnectionWatch(CuratorFramework client) {
        this.client = client;
        client.getConnectionStateListenable().addListener((c, next) -> {
            state = next;
            since = System.nanoTime();
        });
    }

    boolean connected() {
        return client.getZookeeperClient().isConnected();
    }

    String ensemble() {
        return client.getZookeeperClient().getCurrentConnectionString();
    }

    /** Why the connection is down, for a health check's message. */
    String down() {
        long seconds = (System.nanoTime() - since) / 1_000_000_000;
        String what = state == ConnectionState.LOST
                ? "the session is LOST; a new session is sought and the lead must be won again"
                : "the connection is " + (state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED
                ? "down" : state) + "; the session survives if it comes back within the session timeout";
        return "not connected to ZooKeeper " + ensemble() + " for " + seconds + " s: " + what;
    }
}
