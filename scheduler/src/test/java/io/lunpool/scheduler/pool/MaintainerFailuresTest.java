package io.lunpool.scheduler.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MaintainerFailuresTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MetricRegistry metrics = new MetricRegistry();
    private final MaintainerFailures failures = new MaintainerFailures(Clock.fixed(T0, ZoneOffset.UTC), metrics);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(MaintainerFailures.class);
    private Level level;

    @BeforeEach
    void captureLog() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
        logger.setLevel(level);
    }

    private static LunpoolException full(String lun) {
        return new LunpoolException(Reason.EXHAUSTED, "loop array /a is full: carving LUN " + lun + " failed",
                new IOException("No space left on device"));
    }

    private long warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    @Test
    void everyFailureIsCountedButACauseIsLoggedOnce() {
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-01"));
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-02"));
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-03"));

        assertThat(metrics.counter("lunpool.pool.maintainer-failures").getCount()).isEqualTo(3);
        assertThat(metrics.counter("lunpool.pool.maintainer-failures.provision").getCount()).isEqualTo(3);
        assertThat(warnings()).isEqualTo(1);
        assertThat(failures.standing()).singleElement().satisfies(f -> {
            assertThat(f.pool()).isEqualTo("gold");
            assertThat(f.count()).isEqualTo(3);
            assertThat(f.since()).isEqualTo(T0);
            assertThat(f.describe()).startsWith("pool gold: provision failing since " + T0 + " (3 times): EXHAUSTED:")
                    .contains("gold-03");
        });
    }

    @Test
    void anotherCauseAnotherPoolOrAnotherStepIsLoggedAgain() {
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-01"));
        failures.failed("gold", MaintainerFailures.Step.PROVISION,
                new LunpoolException(Reason.ARRAY_ERROR, "carving failed: permission denied"));
        failures.failed("silver", MaintainerFailures.Step.PROVISION, full("silver-01"));
        failures.failed(MaintainerFailures.ARRAY, MaintainerFailures.Step.RECONCILE, full("x"));

        assertThat(warnings()).isEqualTo(4);
        assertThat(failures.standing()).extracting(MaintainerFailures.Failure::pool)
                .containsExactly("*", "gold", "silver");
    }

    @Test
    void aStepThatWorksAgainStopsStandingAndSaysSo() {
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-01"));

        failures.succeeded("gold", MaintainerFailures.Step.PROVISION);
        failures.succeeded("gold", MaintainerFailures.Step.PROVISION);

        assertThat(failures.standing()).isEmpty();
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("pool gold: provision works again"));
        failures.failed("gold", MaintainerFailures.Step.PROVISION, full("gold-02"));
        assertThat(warnings()).as("logged again after it had worked").isEqualTo(2);
    }
}
