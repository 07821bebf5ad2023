package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.scheduler.store.ZkPaths;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product jar's {@code scheduler} command as a child process on an external ZooKeeper, with a 40 s
 * session: SIGKILLed and started again on the same state directory, it leads as soon as its REST API answers
 * and answers a write well before its old session could expire, because its instance lock proves the old
 * session's election node is its dead predecessor's, which it deletes.
 */
class ControlPlaneRestartIT {
    private static final int SESSION_SECONDS = 40;
    /** "Well before the session timeout": half of it, with room for a slow JVM start on a loaded machine. */
    private static final int ANSWER_WITHIN_SECONDS = SESSION_SECONDS / 2;
    /** From the REST API's first answer to leading: no wait for the old session. */
    private static final int LEADS_WITHIN_SECONDS = 5;

    @TempDir
    Path root;

    @Test
    void aKilledInstanceLeadsAgainAtOnceWithoutWaitingForItsOldSession() throws Exception {
        // tickTime 3 s: ZooKeeper grants sessions up to 60 s, so the 40 s the child asks for holds
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 3000, -1);
        try (TestingServer server = new TestingServer(spec, true);
             CuratorFramework look = CuratorFrameworkFactory.newClient(server.getConnectString(),
                     new ExponentialBackoffRetry(100, 3))) {
            look.start();
            assertThat(look.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
            LocalProcess.Setup setup = new LocalProcess.Setup("scheduler", LocalProcess.Setup.dockerTests().jar(),
                    null, LocalProcess.HOST, List.of("-Xmx256m"), Map.of("zookeeper.connect",
                    server.getConnectString(), "zookeeper.sessionTimeout", SESSION_SECONDS + "s"));
            try (LocalProcess cp = new LocalProcess(root, setup, null, List.of())) {
                cp.start();
                cp.client().setPool("before", new PoolRequest("16M", 0, 1, "ext4", null, 0));
                String leaderPath = new ZkPaths(LocalProcess.ZK_ROOT).leader();
                List<String> first = look.getChildren().forPath(leaderPath);
                assertThat(first).hasSize(1);
                long firstSession = owner(look, leaderPath + "/" + first.get(0));

                cp.kill();
                long killedAt = System.nanoTime();
                assertThat(look.getChildren().forPath(leaderPath)).as("the dead process's session holds its node")
                        .containsExactlyElementsOf(first);
                AtomicLong firstAnswer = new AtomicLong();
                AtomicLong firstLeading = new AtomicLong();
                Thread watch = new Thread(() -> {
                    while (firstLeading.get() == 0 && !Thread.currentThread().isInterrupted()) {
                        try {
                            boolean leads = cp.client().leader().isLeader();
                            firstAnswer.compareAndSet(0, System.nanoTime());
                            if (leads) {
                                firstLeading.set(System.nanoTime());
                            }
                        } catch (RuntimeException notServingYet) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        }
                    }
                }, "restart-watch");
                watch.start();
                cp.start();
                cp.client().setPool("after", new PoolRequest("16M", 0, 1, "ext4", null, 0));
                long answeredMillis = (System.nanoTime() - killedAt) / 1_000_000;
                watch.join(TimeUnit.SECONDS.toMillis(30));
                long leadsAfterMillis = (firstLeading.get() - firstAnswer.get()) / 1_000_000;

                List<String> now = look.getChildren().forPath(leaderPath);
                System.out.printf("[restart] write answered %d ms after the SIGKILL (session timeout %d s); leading"
                                + " %d ms after the REST API's first answer; election nodes before %s, after %s%n",
                        answeredMillis, SESSION_SECONDS, leadsAfterMillis, first, now);
                assertThat(firstLeading.get()).as("the restarted instance was seen leading").isPositive();
                assertThat(leadsAfterMillis).as("leading from (almost) its first answer on")
                        .isLessThan(TimeUnit.SECONDS.toMillis(LEADS_WITHIN_SECONDS));
                assertThat(answeredMillis).as("answered well before the old session could expire")
                        .isLessThan(TimeUnit.SECONDS.toMillis(ANSWER_WITHIN_SECONDS));
                assertThat(now).as("the predecessor's node is gone, the new process's node leads").hasSize(1)
                        .doesNotContainAnyElementsOf(first);
                assertThat(owner(look, leaderPath + "/" + now.get(0))).isNotEqualTo(firstSession);
                assertThat(cp.logText()).contains("deleting election node " + leaderPath + "/" + first.get(0));
                assertThat(cp.client().pool("before").name()).isEqualTo("before");
                assertThat(cp.client().pool("after").name()).isEqualTo("after");
            }
        }
    }

    private static long owner(CuratorFramework client, String path) throws Exception {
        Stat stat = client.checkExists().forPath(path);
        assertThat(stat).as("node %s", path).isNotNull();
        return stat.getEphemeralOwner();
    }
}
