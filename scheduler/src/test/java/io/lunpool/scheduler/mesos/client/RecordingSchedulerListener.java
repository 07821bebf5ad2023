package io.lunpool.scheduler.mesos.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A listener that records what it hears, in order, into a log it may share with a framework-id store; how it
 * handles updates and offers is up to the test.
 */
final class RecordingSchedulerListener implements SchedulerListener {
    final List<String> log;
    final List<SubscriptionInfo> subscriptions = Collections.synchronizedList(new ArrayList<>());
    final List<MesosOffer> offers = Collections.synchronizedList(new ArrayList<>());
    final List<String> rescinded = Collections.synchronizedList(new ArrayList<>());
    final List<TaskUpdate> updates = Collections.synchronizedList(new ArrayList<>());
    final List<OperationUpdate> operationUpdates = Collections.synchronizedList(new ArrayList<>());
    final List<String> disconnects = Collections.synchronizedList(new ArrayList<>());
    final List<String> fatals = Collections.synchronizedList(new ArrayList<>());
    volatile Function<TaskUpdate, CompletionStage<Void>> onUpdate = u -> CompletableFuture.completedFuture(null);
    volatile Consumer<List<MesosOffer>> onOffers = o -> { };

    RecordingSchedulerListener(List<String> log) {
        this.log = log;
    }

    @Override
    public void subscribed(SubscriptionInfo subscription) {
        log.add("subscribed " + subscription.frameworkId());
        subscriptions.add(subscription);
    }

    @Override
    public void offers(List<MesosOffer> list) {
        log.add("offers " + list.size());
        offers.addAll(list);
        onOffers.accept(list);
    }

    @Override
    public void rescinded(String offerId) {
        log.add("rescinded " + offerId);
        rescinded.add(offerId);
    }

    @Override
    public CompletionStage<Void> taskUpdate(TaskUpdate update) {
        log.add("update " + update.taskId() + " " + update.state());
        updates.add(update);
        return onUpdate.apply(update);
    }

    @Override
    public CompletionStage<Void> operationUpdate(OperationUpdate update) {
        log.add("operation " + update.operationId().orElse("?") + " " + update.state());
        operationUpdates.add(update);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void disconnected(String reason) {
        log.add("disconnected " + reason);
        disconnects.add(reason);
    }

    @Override
    public void fatal(String message) {
        log.add("fatal " + message);
        fatals.add(message);
    }
}
