package io.lunpool.scheduler.zk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A real standalone ZooKeeper server inside this process, for local mode and the benchmark: data and
 * transaction log under {@code dataDir}, fsync on, listening on loopback only.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServerEmbedded server;
    private final String connect;

    public EmbeddedZooKeeper(Path dataDir, String host, int port) throws Exception {
        Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("tickTime", "2000");
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("clientPortAddress", host);
        p.setProperty("clientPort", Integer.toString(port));
        p.setProperty("maxClientCnxns", "0");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("forceSync", "yes");
        p.setProperty("autopurge.snapRetainCount", "3");
        p.setProperty("autopurge.purgeInterval", "1");
        this.server = ZooKeeperServerEmbedded.builder().baseDir(dataDir).configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY).build();
        server.start(30_000);
        this.connect = host + ":" + port;
    }

    public String connectString() {
        return connect;
    }

    @Override
    public void close() {
        server.close();
    }
}
