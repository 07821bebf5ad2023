package io.lunpool.scheduler.mesos.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the framework hears from the master, one event at a time, in stream order, on the client's event thread.
 * Updates are acknowledged only after the stage returned for them completes normally, so a listener that makes
 * an update durable before completing gets at-least-once delivery; a failed stage leaves the update
 * unacknowledged and the agent sends it again.
 */
public interface SchedulerListener {
    /** The master accepted the subscription; the framework id is stored already. */
    void subscribed(SubscriptionInfo subscription);

    /** New offers; each must be accepted or declined (the client declines those held past the hold timeout). */
    void offers(List<MesosOffer> offers);

    /** An offer is gone; the client refuses to use it from now on. */
    default void rescinded(String offerId) {
    }

    /** A task's status changed; complete the stage once the change is durable. */
    CompletionStage<Void> taskUpdate(TaskUpdate update);

    /** An operation's status changed; complete the stage once the change is durable. */
    default CompletionStage<Void> operationUpdate(OperationUpdate update) {
        return CompletableFuture.completedFuture(null);
    }

    default void failure(AgentFailure failure) {
    }

    /**
     * The subscription ended, or an attempt to subscribe failed, for the reason given; the client subscribes
     * again with backoff. Outstanding offers are void.
     */
    default void disconnected(String reason) {
    }

    /** The client stopped for good: the settings are wrong (credentials refused). It will not retry. */
    default void fatal(String message) {
    }
}
