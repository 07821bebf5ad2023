package io.lunpool.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link StateStore} promises; {@link InMemoryStateStore} and {@link ZkStateStore} both run it.
 * A subclass gives each test an empty store and a way to make and revoke fencing tokens.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StateStoreContract {
    protected abstract StateStore store();

    /** A fencing token that is valid until {@link #revokeFenceToken} (a live leader election node). */
    protected abstract String newFenceToken();

    protected abstract void revokeFenceToken(String token);

    static final Instant T = Instant.parse("2026-11-28T21:07:13.123456789Z");

    static Lun freeLun(String wwn) {
        return new Lun(wwn, "gold", LunState.FREE, null, "/var/lib/lunpool/" + wwn + ".img", 1L << 30, null);
    }

    static CommitFailedException failure(StateStore store, StoreOp... ops) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> store.commit(List.of(ops)));
        assertThat(thrown).isInstanceOf(CommitFailedException.class);
        return (CommitFailedException) thrown;
    }

    @Test
    void everyKindRoundTripsWithAllFields() {
        PoolPolicy pool = new PoolPolicy(1L << 30, 2, 5, FsType.XFS, List.of("-m", "crc=1"), 40);
        Lun claimed = new Lun("600a0b80001", "gold", LunState.CLAIMED, "v1", "", 1L << 30, null);
        Lun failed = freeLun("600a0b80002").failed("mkfs exited 1: bad superblock");
        Volume volume = new Volume("v1", "gold", "600a0b80001", 1L << 30, Map.of("iops", "500", "fsType", "xfs"),
                T, "req-7");
        Volume bare = new Volume("v2", "gold", "600a0b80003", 1L << 30, Map.of(), T, null);
        Attachment attachment = new Attachment("v1", "agent-3", List.of("10:00:00:00:c9:aa:bb:01"), T, "agent-1");
        Attachment fresh = new Attachment("v2", "agent-4", List.of(), T, null);
        Host host = new Host("agent-3", List.of("10:00:00:00:c9:aa:bb:01", "10:00:00:00:c9:aa:bb:02"),
                Map.of("rack", "r7", "zone", "b"), T);
        Host unseen = new Host("agent-9", List.of(), Map.of(), null);

        List<Integer> versions = store().commit(List.of(
                new StoreOp.Create<>(Kind.POOL, "gold", pool),
                new StoreOp.Create<>(Kind.LUN, claimed.wwn(), claimed),
                new StoreOp.Create<>(Kind.LUN, failed.wwn(), failed),
                new StoreOp.Create<>(Kind.VOLUME, "v1", volume),
                new StoreOp.Create<>(Kind.VOLUME, "v2", bare),
                new StoreOp.Create<>(Kind.ATTACHMENT, "v1", attachment),
                new StoreOp.Create<>(Kind.ATTACHMENT, "v2", fresh),
                new StoreOp.Create<>(Kind.HOST, "agent-3", host),
                new StoreOp.Create<>(Kind.HOST, "agent-9", unseen)));

        assertThat(versions).containsOnly(0).hasSize(9);
        assertThat(store().get(Kind.POOL, "gold")).contains(new Versioned<>("gold", pool, 0));
        assertThat(store().get(Kind.LUN, claimed.wwn())).contains(new Versioned<>(claimed.wwn(), claimed, 0));
        assertThat(store().get(Kind.LUN, claimed.wwn()).orElseThrow().value().backing()).isEmpty();
        assertThat(store().get(Kind.LUN, failed.wwn())).contains(new Versioned<>(failed.wwn(), failed, 0));
        assertThat(store().get(Kind.VOLUME, "v1")).contains(new Versioned<>("v1", volume, 0));
        assertThat(store().get(Kind.VOLUME, "v1").orElseThrow().value().createdAt()).isEqualTo(T);
        assertThat(store().get(Kind.VOLUME, "v2")).contains(new Versioned<>("v2", bare, 0));
        assertThat(store().get(Kind.ATTACHMENT, "v1")).contains(new Versioned<>("v1", attachment, 0));
        assertThat(store().get(Kind.ATTACHMENT, "v2")).contains(new Versioned<>("v2", fresh, 0));
        assertThat(store().get(Kind.HOST, "agent-3")).contains(new Versioned<>("agent-3", host, 0));
        assertThat(store().get(Kind.HOST, "agent-9")).contains(new Versioned<>("agent-9", unseen, 0));
    }

    @Test
    void missingRecordIsEmpty() {
        assertThat(store().get(Kind.VOLUME, "nope")).isEmpty();
        assertThat(store().keys(Kind.VOLUME)).isEmpty();
        assertThat(store().list(Kind.VOLUME)).isEmpty();
    }

    @Test
    void sameKeyInAnotherKindIsAnotherRecord() {
        store().commit(List.of(new StoreOp.Create<>(Kind.HOST, "x", new Host("x", null, null, null))));

        assertThat(store().get(Kind.VOLUME, "x")).isEmpty();
        assertThat(store().keys(Kind.HOST)).containsExactly("x");
    }

    @Test
    void createTwiceFailsWithNodeExistsAtThatOp() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        CommitFailedException e = failure(store(),
                new StoreOp.Create<>(Kind.LUN, "w0", freeLun("w0")),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.NODE_EXISTS);
        assertThat(e.index()).isEqualTo(1);
        assertThat(store().get(Kind.LUN, "w0")).isEmpty();
    }

    @Test
    void setBumpsTheVersionAndReplacesTheValue() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        Lun claimed = freeLun("w1").withState(LunState.CLAIMED, "v1");

        List<Integer> versions = store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", claimed, 0)));

        assertThat(versions).containsExactly(1);
        assertThat(store().get(Kind.LUN, "w1")).contains(new Versioned<>("w1", claimed, 1));
    }

    @Test
    void staleSetFailsWithBadVersionAndAppliesNothing() {
        store().commit(List.of(
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")),
                new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2"))));
        store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w2", freeLun("w2").withState(LunState.WIPING, null), 0)));

        CommitFailedException e = failure(store(),
                new StoreOp.Create<>(Kind.VOLUME, "v1", new Volume("v1", "gold", "w1", 1, null, T, null)),
                new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1").withState(LunState.CLAIMED, "v1"), 0),
                new StoreOp.Set<>(Kind.LUN, "w2", freeLun("w2").withState(LunState.CLAIMED, "v1"), 0));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.BAD_VERSION);
        assertThat(e.index()).isEqualTo(2);
        assertThat(store().get(Kind.VOLUME, "v1")).isEmpty();
        assertThat(store().get(Kind.LUN, "w1")).contains(new Versioned<>("w1", freeLun("w1"), 0));
        assertThat(store().get(Kind.LUN, "w2").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void setOfMissingRecordFailsWithNoNode() {
        CommitFailedException e = failure(store(), new StoreOp.Set<>(Kind.LUN, "w9", freeLun("w9"), 0));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.NO_NODE);
        assertThat(e.index()).isZero();
    }

    @Test
    void deleteNeedsTheCurrentVersion() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1"), 0)));

        CommitFailedException stale = failure(store(), new StoreOp.Delete(Kind.LUN, "w1", 0));
        List<Integer> versions = store().commit(List.of(new StoreOp.Delete(Kind.LUN, "w1", 1)));

        assertThat(stale.failure()).isEqualTo(CommitFailedException.Cause.BAD_VERSION);
        assertThat(versions).containsExactly(-1);
        assertThat(store().get(Kind.LUN, "w1")).isEmpty();
        assertThat(store().keys(Kind.LUN)).isEmpty();
    }

    @Test
    void anyVersionMinusOneMatchesLikeZooKeeper() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        List<Integer> set = store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1"), -1)));
        List<Integer> deleted = store().commit(List.of(new StoreOp.Delete(Kind.LUN, "w1", -1)));

        assertThat(set).containsExactly(1);
        assertThat(deleted).containsExactly(-1);
        assertThat(store().get(Kind.LUN, "w1")).isEmpty();
    }

    @Test
    void deleteOfMissingRecordFailsWithNoNodeAtThatOp() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        CommitFailedException e = failure(store(),
                new StoreOp.Delete(Kind.LUN, "w1", 0),
                new StoreOp.Delete(Kind.LUN, "w2", 0));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.NO_NODE);
        assertThat(e.index()).isEqualTo(1);
        assertThat(store().get(Kind.LUN, "w1")).isPresent();
    }

    @ParameterizedTest(name = "failing op at index {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void theFailingOpsIndexIsReported(int failing) {
        store().commit(List.of(new StoreOp.Create<>(Kind.HOST, "taken", new Host("taken", null, null, null))));
        List<StoreOp> ops = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String key = i == failing ? "taken" : "h" + i;
            ops.add(new StoreOp.Create<>(Kind.HOST, key, new Host(key, null, null, null)));
        }

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> store().commit(ops));

        assertThat(thrown).isInstanceOfSatisfying(CommitFailedException.class, e -> {
            assertThat(e.index()).isEqualTo(failing);
            assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.NODE_EXISTS);
            assertThat(e.getMessage()).contains("Create hosts/taken");
        });
        assertThat(store().keys(Kind.HOST)).containsExactly("taken");
    }

    @Test
    void laterOpsSeeEarlierOpsOfTheSameCommit() {
        List<Integer> versions = store().commit(List.of(
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")),
                new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1").withState(LunState.CLAIMED, "v1"), 0),
                new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2")),
                new StoreOp.Delete(Kind.LUN, "w2", 0)));

        assertThat(versions).containsExactly(0, 1, 0, -1);
        assertThat(store().get(Kind.LUN, "w1").orElseThrow().version()).isEqualTo(1);
        assertThat(store().keys(Kind.LUN)).containsExactly("w1");
    }

    @Test
    void keysAndListAreSortedAndComplete() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            keys.add(String.format("600a0b8%03d", i));
        }
        List<String> shuffled = new ArrayList<>(keys);
        Collections.shuffle(shuffled, new Random(7));
        List<StoreOp> ops = new ArrayList<>();
        shuffled.forEach(k -> ops.add(new StoreOp.Create<>(Kind.LUN, k, freeLun(k))));
        store().commit(ops);
        store().commit(List.of(new StoreOp.Set<>(Kind.LUN, keys.get(5), freeLun(keys.get(5)), 0)));

        List<Versioned<Lun>> listed = store().list(Kind.LUN);

        assertThat(store().keys(Kind.LUN)).containsExactlyElementsOf(keys);
        assertThat(listed).extracting(Versioned::key).containsExactlyElementsOf(keys);
        assertThat(listed).allSatisfy(v -> assertThat(v.value()).isEqualTo(freeLun(v.key())));
        assertThat(listed).extracting(Versioned::version).containsOnly(0, 1).containsOnlyOnce(1);
        assertThat(store().keys(Kind.VOLUME)).isEmpty();
    }

    @Test
    void concurrentClaimsOfOneRecordHaveOneWinnerPerVersion() throws Exception {
        int threads = 8;
        int rounds = 15;
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicIntegerArray winners = new AtomicIntegerArray(rounds);
        AtomicIntegerArray losers = new AtomicIntegerArray(rounds);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String volume = "v" + t;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        start.await(30, TimeUnit.SECONDS);
                        Lun claimed = freeLun("w1").withState(LunState.CLAIMED, volume);
                        try {
                            store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", claimed, round)));
                            winners.incrementAndGet(round);
                        } catch (CommitFailedException e) {
                            assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.BAD_VERSION);
                            losers.incrementAndGet(round);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int round = 0; round < rounds; round++) {
            assertThat(winners.get(round)).as("winners of version %d", round).isEqualTo(1);
            assertThat(losers.get(round)).as("losers of version %d", round).isEqualTo(threads - 1);
        }
        assertThat(store().get(Kind.LUN, "w1").orElseThrow().version()).isEqualTo(rounds);
    }

    @Test
    void concurrentCreatesOfOneKeyHaveOneWinner() throws Exception {
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<String>> outcomes = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String requestId = "req-" + t;
                outcomes.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    try {
                        store().commit(List.of(new StoreOp.Create<>(Kind.VOLUME, "v1",
                                new Volume("v1", "gold", "w1", 1, null, T, requestId))));
                        return requestId;
                    } catch (CommitFailedException e) {
                        return e.failure().name();
                    }
                }));
            }
            List<String> results = new ArrayList<>();
            for (Future<String> f : outcomes) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }

            assertThat(results).filteredOn(r -> r.startsWith("req-")).hasSize(1);
            assertThat(results).filteredOn("NODE_EXISTS"::equals).hasSize(threads - 1);
            String winner = results.stream().filter(r -> r.startsWith("req-")).findFirst().orElseThrow();
            assertThat(store().get(Kind.VOLUME, "v1").orElseThrow().value().requestId()).isEqualTo(winner);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aValidFenceLetsTheCommitThrough() {
        String token = newFenceToken();

        List<Integer> versions = store().commit(List.of(
                new StoreOp.Fence(token),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        assertThat(versions).containsExactly(-1, 0);
        assertThat(store().get(Kind.LUN, "w1")).isPresent();
    }

    @Test
    void aRevokedFenceRefusesTheWholeCommit() {
        String token = newFenceToken();
        store().commit(List.of(new StoreOp.Fence(token), new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        revokeFenceToken(token);

        CommitFailedException e = failure(store(),
                new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1").withState(LunState.CLAIMED, "v1"), 0),
                new StoreOp.Fence(token));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(e.index()).isEqualTo(1);
        assertThat(store().get(Kind.LUN, "w1")).contains(new Versioned<>("w1", freeLun("w1"), 0));
    }

    @Test
    void anUnknownFenceTokenIsFenced() {
        CommitFailedException e = failure(store(),
                new StoreOp.Fence("/lunpool-nowhere/leader/_c_gone-0000000007"),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(e.index()).isZero();
        assertThat(store().get(Kind.LUN, "w1")).isEmpty();
    }

    @Test
    void aNewLeadersTokenWorksWhileTheOldOneIsRefused() {
        String old = newFenceToken();
        revokeFenceToken(old);
        String current = newFenceToken();

        List<Integer> versions = store().commit(List.of(new StoreOp.Fence(current),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        CommitFailedException e = failure(store(), new StoreOp.Fence(old),
                new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2")));

        assertThat(versions).containsExactly(-1, 0);
        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(store().keys(Kind.LUN)).containsExactly("w1");
    }

    @Test
    void frameworkIdRoundTrips() {
        assertThat(store().frameworkId()).isEmpty();

        store().setFrameworkId("5f1c0a2e-8d1b-4c1e-9a4e-0b6e7c1d2f3a-0001");
        assertThat(store().frameworkId()).contains("5f1c0a2e-8d1b-4c1e-9a4e-0b6e7c1d2f3a-0001");

        store().setFrameworkId("5f1c0a2e-8d1b-4c1e-9a4e-0b6e7c1d2f3a-0002");
        assertThat(store().frameworkId()).contains("5f1c0a2e-8d1b-4c1e-9a4e-0b6e7c1d2f3a-0002");
    }

    @Test
    void emptyCommitCompletesAtOnceWithNoVersions() {
        assertThat(store().commitAsync(List.of())).isCompletedWithValue(List.of());
        assertThat(store().commit(List.of())).isEmpty();
    }

    @Test
    void commitAsyncReturnsOneVersionPerOpInOrder() {
        String token = newFenceToken();
        store().commit(List.of(
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")),
                new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2"))));
        store().commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1"), 0)));

        List<Integer> versions = store().commitAsync(List.of(
                new StoreOp.Create<>(Kind.LUN, "w3", freeLun("w3")),
                new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1"), 1),
                new StoreOp.Delete(Kind.LUN, "w2", 0),
                new StoreOp.Fence(token))).join();

        assertThat(versions).containsExactly(0, 2, -1, -1);
    }

    @Test
    void commitAsyncFailsItsFutureRatherThanThrowing() {
        store().commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        var future = store().commitAsync(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(CommitFailedException.class,
                        e -> assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.NODE_EXISTS));
    }

    @Test
    void aKeyThatIsNotOnePathSegmentIsRefused() {
        CommitFailedException e = failure(store(),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")),
                new StoreOp.Create<>(Kind.LUN, "../schema", freeLun("w2")));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.OTHER);
        assertThat(e.index()).isEqualTo(1);
        assertThat(store().keys(Kind.LUN)).isEmpty();
    }

    @Test
    void aNullValueIsRefused() {
        CommitFailedException e = failure(store(), new StoreOp.Create<>(Kind.LUN, "w1", (Lun) null));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.OTHER);
        assertThat(e.index()).isZero();
        assertThat(store().get(Kind.LUN, "w1")).isEmpty();
    }

    @Test
    void aTermsMarkerStartsAtVersionZeroAndEachTransactionMovesItOn() {
        String token = newFenceToken();

        int opened = store().openTerm(token);
        List<Integer> versions = store().commit(List.of(new StoreOp.Fence(token), new StoreOp.Marker(token, "t1", 0),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));
        List<Integer> probe = store().commit(List.of(new StoreOp.Fence(token), new StoreOp.Marker(token, "t2", 1)));

        assertThat(opened).isZero();
        assertThat(versions).containsExactly(-1, 1, 0);
        assertThat(probe).containsExactly(-1, 2);
        assertThat(store().marker(token)).get().satisfies(m -> {
            assertThat(m.value()).isEqualTo("t2");
            assertThat(m.version()).isEqualTo(2);
        });
    }

    @Test
    void aMarkerAtAnotherVersionRefusesTheWholeTransactionAtTheMarker() {
        String token = newFenceToken();
        store().openTerm(token);
        store().commit(List.of(new StoreOp.Fence(token), new StoreOp.Marker(token, "applied", 0),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        CommitFailedException resent = failure(store(), new StoreOp.Fence(token),
                new StoreOp.Marker(token, "applied", 0), new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")));
        CommitFailedException lateWrite = failure(store(), new StoreOp.Fence(token),
                new StoreOp.Marker(token, "late", 0), new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2")));

        assertThat(resent.failure()).isEqualTo(CommitFailedException.Cause.BAD_VERSION);
        assertThat(resent.index()).as("the marker, not the create behind it, refuses a re-sent transaction").isOne();
        assertThat(lateWrite.failure()).isEqualTo(CommitFailedException.Cause.BAD_VERSION);
        assertThat(lateWrite.index()).isOne();
        assertThat(store().keys(Kind.LUN)).containsExactly("w1");
        assertThat(store().marker(token).orElseThrow().value()).isEqualTo("applied");
    }

    @Test
    void reopeningATermKeepsItsMarker() {
        String token = newFenceToken();
        store().openTerm(token);
        store().commit(List.of(new StoreOp.Fence(token), new StoreOp.Marker(token, "t1", 0)));

        assertThat(store().openTerm(token)).isOne();
        assertThat(store().marker(token).orElseThrow().value()).isEqualTo("t1");
    }

    @Test
    void openingATermRemovesTheMarkersOfTermsWhoseElectionNodeIsGone() {
        String old = newFenceToken();
        String alive = newFenceToken();
        store().openTerm(old);
        store().openTerm(alive);
        revokeFenceToken(old);
        String current = newFenceToken();

        int opened = store().openTerm(current);
        CommitFailedException stale = failure(store(), new StoreOp.Marker(old, "late", 0),
                new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")));

        assertThat(opened).isZero();
        assertThat(store().marker(old)).isEmpty();
        assertThat(store().marker(alive)).isPresent();
        assertThat(store().marker(current)).isPresent();
        assertThat(stale.failure()).as("a marker that is gone fences its term").isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(stale.index()).isZero();
        assertThat(store().keys(Kind.LUN)).isEmpty();
    }

    @Test
    void aTermWhoseElectionNodeIsGoneCannotOpen() {
        String token = newFenceToken();
        revokeFenceToken(token);

        assertThatThrownBy(() -> store().openTerm(token))
                .isInstanceOfSatisfying(io.lunpool.core.LunpoolException.class,
                        e -> assertThat(e.reason()).isEqualTo(io.lunpool.core.Reason.TRANSIENT))
                .hasMessageContaining("no longer leads");
        assertThat(store().marker(token)).isEmpty();
    }
}
