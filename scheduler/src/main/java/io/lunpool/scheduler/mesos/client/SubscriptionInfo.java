package io.lunpool.scheduler.mesos.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A subscription the master accepted. The framework id is stored already when the listener learns of it;
 * {@code newFramework} is true when the master assigned the id on this subscription.
 */
public record SubscriptionInfo(String frameworkId, String master, Optional<Duration> heartbeatInterval,
                               boolean newFramework) {
}
