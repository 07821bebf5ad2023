package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.scheduler.ZooKeeperExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZkMasterDetectorTest {
    @RegisterExtension
    final ZooKeeperExtension zk = new ZooKeeperExtension();

    static byte[] masterInfo(String host, int port) {
        return ("{\"address\":{\"hostname\":\"" + host + "\",\"ip\":\"127.0.0.1\",\"port\":" + port + "},"
                + "\"hostname\":\"" + host + "\",\"id\":\"" + host + "-id\",\"ip\":16777343,\"port\":" + port
                + ",\"pid\":\"master@127.0.0.1:" + port + "\",\"version\":\"1.11.0\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheLeaderFromTheLowestJsonInfoNode() throws Exception {
        CuratorFramework curator = zk.curator();
        MasterLocation.ZooKeeper location = (MasterLocation.ZooKeeper) MasterLocation.parse(
                "zk://" + zk.connectString() + "/mesos");
        try (ZkMasterDetector detector = new ZkMasterDetector(location, "http", Duration.ofSeconds(10))) {
            assertThatThrownBy(detector::master).isInstanceOf(MasterDetector.NoLeaderException.class)
                    .hasMessageContaining("no master group");
            curator.create().forPath("/mesos");
            curator.create().forPath("/mesos/log_replicas");
            assertThatThrownBy(detector::master).isInstanceOf(MasterDetector.NoLeaderException.class)
                    .hasMessageContaining("no master is a member");
            String first = curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath("/mesos/json.info_", masterInfo("master-a", 5050));
            curator.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath("/mesos/json.info_", masterInfo("master-b", 5051));
            assertThat(detector.master()).isEqualTo(URI.create("http://master-a:5050"));
            curator.delete().forPath(first);
            assertThat(detector.master()).as("the next member leads once the leader's node is gone")
                    .isEqualTo(URI.create("http://master-b:5051"));
        }
    }

    @Test
    void aDigestInTheUrlAuthenticatesTheSession() throws Exception {
        MasterLocation.ZooKeeper location = new MasterLocation.ZooKeeper(zk.connectString(), "/mesos",
                Optional.of("mesos:secret"));
        zk.curator().create().forPath("/mesos");
        zk.curator().create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath("/mesos/json.info_",
                masterInfo("m", 5050));
        try (ZkMasterDetector detector = new ZkMasterDetector(location, "https", Duration.ofSeconds(10))) {
            assertThat(detector.master()).isEqualTo(URI.create("https://m:5050"));
        }
    }
}
