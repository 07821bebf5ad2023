package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OfferLedgerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static MesosOffer offer(String id, String agent) {
        return new MesosOffer(id, agent, agent + ".example", Optional.of("storage"), List.of(), Map.of());
    }

    @Test
    void eachOfferIsAnsweredOnceNeverAfterARescindAndAcceptStaysOnOneAgent() {
        OfferLedger ledger = new OfferLedger();
        ledger.received(List.of(offer("o1", "a1"), offer("o2", "a1"), offer("o3", "a2"), offer("o4", "a2")), T0);
        Object[][] table = {
                // offers, one agent?, =agent or the error's text
                {List.of("o1", "o3"), true, "one ACCEPT uses the offers of one agent"},
                {List.of("o1", "o1"), true, "named twice"},
                {List.of(), true, "no offer named"},
                {List.of("zz"), true, "never received"},
                {List.of("o1", "o2"), true, "=a1"},
                {List.of("o1"), true, "answered already"},
                {List.of("o3", "o4"), false, "=a2"},
        };
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            List<String> ids = (List<String>) row[0];
            String expected = (String) row[2];
            if (expected.startsWith("=")) {
                assertThat(ledger.claim(ids, (Boolean) row[1])).as(ids.toString()).isEqualTo(expected.substring(1));
            } else {
                assertThatThrownBy(() -> ledger.claim(ids, (Boolean) row[1])).as(ids.toString())
                        .hasMessageContaining(expected);
            }
        }
        ledger.received(List.of(offer("o5", "a3")), T0);
        ledger.rescinded("o5");
        assertThatThrownBy(() -> ledger.claim(List.of("o5"), true)).hasMessageContaining("rescinded");
        ledger.received(List.of(offer("o5", "a3")), T0);
        assertThatThrownBy(() -> ledger.claim(List.of("o5"), true)).as("a rescinded offer never comes back")
                .hasMessageContaining("rescinded");
    }

    @Test
    void aFailedClaimClaimsNothing() {
        OfferLedger ledger = new OfferLedger();
        ledger.received(List.of(offer("o1", "a1"), offer("o2", "a2")), T0);
        assertThatThrownBy(() -> ledger.claim(List.of("o1", "o2"), true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ledger.claim(List.of("o1"), true)).isEqualTo("a1");
        assertThat(ledger.agentOf(List.of("o2"), true)).isEqualTo("a2");
        assertThat(ledger.openCount()).isEqualTo(1);
    }

    @Test
    void offersHeldPastTheTimeoutExpireOnceAndASubscriptionEndVoidsTheRest() {
        OfferLedger ledger = new OfferLedger();
        ledger.received(List.of(offer("old", "a1")), T0);
        ledger.received(List.of(offer("new", "a1")), T0.plusSeconds(20));
        assertThat(ledger.expire(T0.plusSeconds(29), Duration.ofSeconds(30))).isEmpty();
        assertThat(ledger.expire(T0.plusSeconds(30), Duration.ofSeconds(30))).containsExactly("old");
        assertThat(ledger.expire(T0.plusSeconds(31), Duration.ofSeconds(30))).isEmpty();
        assertThatThrownBy(() -> ledger.claim(List.of("old"), true)).hasMessageContaining("hold timeout");
        ledger.clear();
        assertThat(ledger.openCount()).isZero();
        assertThatThrownBy(() -> ledger.claim(List.of("new"), true)).hasMessageContaining("subscription ended");
    }
}
