package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lunpool.backend.plugin.Await;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.zk.CuratorClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The leader's connection to ZooKeeper (through a {@link ZooKeeperProxy}) fails in the middle of a commit, for
 * each kind of request: the transaction applies and its answer is lost (Curator sends it again, or the
 * connection stays down past Curator's retries), or it is lost before ZooKeeper sees it. Every request is
 * answered truthfully, nothing stale stays in the leader's memory (later requests on the same volume are
 * decided right), and the inventory equals a fresh load from ZooKeeper.
 */
class ConnectionLossMidCommitTest {
    private static final ZkPaths PATHS = new ZkPaths("/midcommit");
    private static final String SELF = "http://a.test:7480";

    @RegisterExtension
    final ZooKeeperExtension zk = new ZooKeeperExtension();
    private ZooKeeperProxy proxy;
    private ControlPlaneFixture cp;
    private LeaderTerm term;

    enum Fault {
        /** ZooKeeper applies the transaction, its answer is lost, Curator sends it again on the new connection. */
        APPLIED_THEN_RESENT(true, false),
        /** ZooKeeper applies it, its answer is lost and the connection stays down past Curator's retries. */
        APPLIED_THEN_CONNECTION_DOWN(true, true),
        /** The transaction never reaches ZooKeeper and the connection stays down past Curator's retries. */
        LOST_BEFORE_APPLY(false, true);

        final boolean applies;
        final boolean staysDown;

        Fault(boolean applies, boolean staysDown) {
            this.applies = applies;
            this.staysDown = staysDown;
        }
    }

    @BeforeEach
    void leaderBehindAProxy() throws Exception {
        proxy = zk.closeAtEnd(new ZooKeeperProxy(zk.connectString()));
        // a connection timeout of 1 s: Curator gives a request up soon after the connection drops, well
        // within the 10 s session
        CuratorFramework client = CuratorClients.start(proxy.connectString(), Duration.ofSeconds(10),
                Duration.ofSeconds(1));
        cp = zk.closeAtEnd(new ControlPlaneFixture(client, PATHS, SELF, null, null,
                ControlPlaneFixture.manualSettings()));
        term = cp.awaitLeader(Duration.ofSeconds(20));
        cp.pool("gold", "16M", 0, 16, "ext4", 0);
        for (int i = 0; i < 6; i++) {
            term.batcher().submit(new Request.AddLun(new Lun(String.format("naa.6%031d", i), "gold", LunState.FREE,
                    null, "/nonexistent/" + i, 16L << 20, null))).get(30, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aCreateIsAnswered201AndItsVolumeExists(Fault fault) throws Exception {
        ControlPlane.Created created = underFault(fault, "/volumes/c1",
                () -> cp.controlPlane.createVolumeAsync(create("c1")));

        assertThat(created.created()).as("the create made the volume: 201").isTrue();
        assertThat(cp.store.get(Kind.VOLUME, "c1")).get()
                .satisfies(v -> assertThat(v.value().lun()).isEqualTo(created.volume().lun()));
        assertThat(cp.store.get(Kind.LUN, created.volume().lun()).orElseThrow().value().state())
                .isEqualTo(LunState.CLAIMED);
        assertThat(cp.controlPlane.createVolume(create("c1")).created()).as("the same create again: 200").isFalse();
        assertThat(ZkState.assertNoLunClaimedTwice(cp.store)).isOne();
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aDeleteIsAnswered204AndTheNameCanBeCreatedAgain(Fault fault) throws Exception {
        String lun = cp.controlPlane.createVolume(create("d1")).volume().lun();

        Void deleted = underFault(fault, "/volumes/d1", () -> cp.controlPlane.deleteVolumeAsync("d1"));

        assertThat(deleted).as("204, not NOT_FOUND").isNull();
        assertThat(cp.store.get(Kind.VOLUME, "d1")).isEmpty();
        assertThat(cp.store.get(Kind.LUN, lun).orElseThrow().value().state()).isEqualTo(LunState.WIPING);
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
        assertThat(cp.controlPlane.createVolume(create("d1")).created()).as("the name is free again: 201").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void anAttachIsAnsweredWithItsAttachmentAndRepeatsAsTheSame(Fault fault) throws Exception {
        cp.controlPlane.createVolume(create("a1"));

        AttachmentView attached = underFault(fault, "/attachments/a1", () -> CompletableFuture.supplyAsync(
                () -> cp.controlPlane.attach("a1", new AttachRequest("host-a", List.of(), false))));

        assertThat(attached.host()).isEqualTo("host-a");
        assertThat(cp.store.get(Kind.ATTACHMENT, "a1").orElseThrow().value().host()).isEqualTo("host-a");
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
        assertThat(cp.controlPlane.attach("a1", new AttachRequest("host-a", List.of(), false)).host())
                .as("the same attach again").isEqualTo("host-a");
        LunpoolException other = catchThrowableOfType(LunpoolException.class,
                () -> cp.controlPlane.attach("a1", new AttachRequest("host-b", List.of(), false)));
        assertThat(other.reason()).as("it is attached to host-a, truly").isEqualTo(Reason.IN_USE);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aDetachLeavesNoStaleAttachmentBehind(Fault fault) throws Exception {
        cp.controlPlane.createVolume(create("x1"));
        cp.controlPlane.attach("x1", new AttachRequest("host-a", List.of(), false));

        underFault(fault, "/attachments/x1", () -> CompletableFuture.runAsync(
                () -> cp.controlPlane.detach("x1", "host-a")));

        assertThat(cp.store.get(Kind.ATTACHMENT, "x1")).isEmpty();
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
        assertThat(cp.controlPlane.attach("x1", new AttachRequest("host-b", List.of(), false)).host())
                .as("another host attaches: no stale IN_USE").isEqualTo("host-b");
        cp.controlPlane.detach("x1", "host-b");
        cp.controlPlane.deleteVolume("x1");
        assertThat(cp.store.get(Kind.VOLUME, "x1")).as("the delete went through: no stale IN_USE").isEmpty();
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aMaintainerMoveIsDoneNotConflict(Fault fault) throws Exception {
        String wwn = "naa.60000000000000000000000000000099";
        term.batcher().submit(new Request.AddLun(new Lun(wwn, "gold", LunState.PREPARING, null, "/nonexistent/99",
                16L << 20, null))).get(30, TimeUnit.SECONDS);
        Lun preparing = cp.store.get(Kind.LUN, wwn).orElseThrow().value();

        Outcome moved = underFault(fault, "/luns/" + wwn, () -> term.batcher().submit(
                new Request.MoveLun(wwn, LunState.PREPARING, preparing.withState(LunState.FREE, null))));

        assertThat(moved).isEqualTo(Outcome.DONE);
        assertThat(cp.store.get(Kind.LUN, wwn).orElseThrow().value().state()).isEqualTo(LunState.FREE);
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
        assertThat(cp.controlPlane.pool("gold").counts().free()).isEqualTo(7);
    }

    @org.junit.jupiter.api.Test
    void aProbeThatCuratorSendsAgainIsNotTakenForTheLostTransaction() throws Exception {
        long notApplied = counter("lunpool.batch.resolved-not-applied");
        long applied = counter("lunpool.batch.resolved-applied");
        long unknown = counter("lunpool.batch.unknown-outcomes");
        proxy.loseBeforeApply(ZooKeeperProxy.MULTI, "/volumes/p1", true);
        CompletableFuture<ControlPlane.Created> answer = cp.controlPlane.createVolumeAsync(create("p1"));
        Await.until("the batcher sees the commit's answer lost", Duration.ofSeconds(30),
                () -> counter("lunpool.batch.unknown-outcomes") > unknown);
        // the probe (fence and marker only) applies, its answer is lost and Curator sends it again: the copy is
        // refused at the marker like a re-sent transaction, and only the marker's data tells the two apart
        CompletableFuture<Void> probeLost = proxy.applyThenLose(ZooKeeperProxy.MULTI, PATHS.terms() + "/", false);
        proxy.heal();
        probeLost.get(30, TimeUnit.SECONDS);

        assertThat(answer.get(60, TimeUnit.SECONDS).created()).isTrue();
        System.out.printf("[probe re-sent] probes %d, resolved not applied +%d, applied +%d%n",
                counter("lunpool.batch.probes"), counter("lunpool.batch.resolved-not-applied") - notApplied,
                counter("lunpool.batch.resolved-applied") - applied);
        assertThat(counter("lunpool.batch.resolved-not-applied") - notApplied).isOne();
        assertThat(counter("lunpool.batch.resolved-applied") - applied).isZero();
        assertThat(ZkState.assertNoLunClaimedTwice(cp.store)).isOne();
        ZkState.assertInventoryMatchesStore(term.inventory(), cp.store);
    }

    /**
     * Arms the fault for the next transaction whose body holds {@code text}, sends the request, lets the
     * connection come back once the batcher has seen the lost answer, and returns the request's answer.
     */
    private <T> T underFault(Fault fault, String text, Supplier<CompletableFuture<T>> request) throws Exception {
        long unknown = counter("lunpool.batch.unknown-outcomes");
        long resent = counter("lunpool.batch.resent-transactions");
        long applied = counter("lunpool.batch.resolved-applied");
        long notApplied = counter("lunpool.batch.resolved-not-applied");
        long probes = counter("lunpool.batch.probes");
        CompletableFuture<Void> fired = fault.applies ? proxy.applyThenLose(ZooKeeperProxy.MULTI, text, fault.staysDown)
                : proxy.loseBeforeApply(ZooKeeperProxy.MULTI, text, fault.staysDown);

        CompletableFuture<T> answer = request.get();
        fired.get(30, TimeUnit.SECONDS);
        if (fault.staysDown) {
            Await.until("the batcher sees the commit's answer lost", Duration.ofSeconds(30),
                    () -> counter("lunpool.batch.unknown-outcomes") > unknown);
            assertThat(answer).as("no answer while the outcome is unknown").isNotDone();
            proxy.heal();
        }
        T result = answer.get(60, TimeUnit.SECONDS);

        System.out.printf("[%s %s] unknown outcomes +%d (re-sent +%d), probes +%d, resolved applied +%d,"
                        + " not applied +%d%n", fault, text, counter("lunpool.batch.unknown-outcomes") - unknown,
                counter("lunpool.batch.resent-transactions") - resent, counter("lunpool.batch.probes") - probes,
                counter("lunpool.batch.resolved-applied") - applied,
                counter("lunpool.batch.resolved-not-applied") - notApplied);
        assertThat(counter("lunpool.batch.unknown-outcomes") - unknown).as("lost answers").isOne();
        assertThat(counter("lunpool.batch.probes") - probes).as("probes").isPositive();
        if (fault == Fault.APPLIED_THEN_RESENT) {
            assertThat(counter("lunpool.batch.resent-transactions") - resent).as("re-sent and refused by the marker")
                    .isOne();
        }
        assertThat(counter("lunpool.batch.resolved-applied") - applied).as("resolved as applied")
                .isEqualTo(fault.applies ? 1 : 0);
        assertThat(counter("lunpool.batch.resolved-not-applied") - notApplied).as("resolved as not applied")
                .isEqualTo(fault.applies ? 0 : 1);
        assertThat(cp.controlPlane.leaderTerm()).as("still the same term").contains(term);
        return result;
    }

    private long counter(String name) {
        return cp.metrics.counter(name).getCount();
    }

    private static CreateVolumeRequest create(String name) {
        return new CreateVolumeRequest(name, "gold", null, Map.of(), null);
    }
}
