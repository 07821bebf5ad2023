package io.lunpool.scheduler.mesos.client;

import io.lunpool.backend.plugin.Await;
import io.lunpool.scheduler.mesos.fake.FakeMesosMaster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * A fake master and a scheduler client subscribed to it over real HTTP, with short timings: heartbeats every
 * 400 ms (the watchdog ends a silent subscription after 2 s), redelivery every 300 ms, backoff 50–500 ms. The test may change the master's and the client's settings
 * before {@link #start()}.
 */
final class SchedulerClientFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String ROLE = "storage";

    final List<String> log = Collections.synchronizedList(new ArrayList<>());
    final RecordingSchedulerListener listener = new RecordingSchedulerListener(log);
    final MemoryFrameworkIdStore ids = new MemoryFrameworkIdStore(log);
    final FakeMesosMaster master;
    volatile KnownTasks tasks = KnownTasks.NONE;
    private final List<FakeMesosMaster> closeAtEnd = new ArrayList<>();
    MesosSchedulerClient client;

    SchedulerClientFixture() throws Exception {
        this(s -> s);
    }

    SchedulerClientFixture(UnaryOperator<FakeMesosMaster.Settings> masterSettings) throws Exception {
        master = FakeMesosMaster.start(masterSettings.apply(FakeMesosMaster.Settings.defaults()
                .heartbeat(Duration.ofMillis(400)).redelivery(Duration.ofMillis(300)).manualAllocation()));
    }

    MesosClientSettings.Builder settings() {
        return MesosClientSettings.builder()
                .master(master.url().toString())
                .contentType("json")
                .role(ROLE)
                .principal("lunpool")
                .user("root")
                .name("lunpool-test")
                .callTimeout(Duration.ofSeconds(10))
                .reconnectBackoffMin(Duration.ofMillis(50))
                .reconnectBackoffMax(Duration.ofMillis(500))
                .reviveMinInterval(Duration.ofMillis(300))
                .reconcileRetryMin(Duration.ofMillis(200))
                .reconcileRetryMax(Duration.ofMillis(400))
                .implicitReconcileInterval(Duration.ofHours(1));
    }

    MesosSchedulerClient start() {
        return start(settings());
    }

    MesosSchedulerClient start(MesosClientSettings.Builder settings) {
        client = new MesosSchedulerClient(settings.build(), ids, listener, () -> tasks.nonTerminal());
        client.start();
        return client;
    }

    /** Waits for the n-th SUBSCRIBED the listener hears (from 1). */
    SubscriptionInfo awaitSubscriptions(int n) {
        Await.until(n + " subscriptions", WAIT, () -> listener.subscriptions.size() >= n
                && client.state() == MesosSchedulerClient.State.SUBSCRIBED);
        return listener.subscriptions.get(n - 1);
    }

    /**
     * Waits until the master has answered the n-th implicit RECONCILE, which the client sends after each
     * subscription's explicit run (none without known tasks); after it no call of the client is in flight.
     */
    void awaitImplicitReconciliations(int n) {
        Await.until(n + " implicit reconciliations answered", WAIT, () -> calls(Call.Type.RECONCILE).stream()
                .filter(c -> c.getReconcile().getTasksCount() == 0).count() >= n);
    }

    List<Call> calls(Call.Type type) {
        return master.received(type).stream().map(r -> r.call().orElseThrow()).toList();
    }

    /** Another fake master, closed with the fixture. */
    FakeMesosMaster closeAtEnd(FakeMesosMaster other) {
        closeAtEnd.add(other);
        return other;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        master.close();
        closeAtEnd.forEach(FakeMesosMaster::close);
    }
}
