package io.lunpool.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.model.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest extends StateStoreContract {
    private InMemoryStateStore store;

    @BeforeEach
    void newStore() {
        store = new InMemoryStateStore();
    }

    @Override
    protected StateStore store() {
        return store;
    }

    @Override
    protected String newFenceToken() {
        return store.newFenceToken();
    }

    @Override
    protected void revokeFenceToken(String token) {
        store.revoke(token);
    }

    @Test
    void readsReturnCopiesNotTheStoredObject() {
        List<String> initiators = new ArrayList<>(List.of("10:00:00:00:c9:aa:bb:01"));
        Host host = new Host("agent-1", initiators, Map.of("rack", "r1"), T);
        store.commit(List.of(new StoreOp.Create<>(Kind.HOST, "agent-1", host)));

        Host first = store.get(Kind.HOST, "agent-1").orElseThrow().value();
        Host second = store.get(Kind.HOST, "agent-1").orElseThrow().value();

        assertThat(first).isEqualTo(host).isNotSameAs(host).isNotSameAs(second);
    }

    @Test
    void fenceTokensAreDistinct() {
        String a = store.newFenceToken();
        String b = store.newFenceToken();
        store.revoke(a);

        assertThat(a).isNotEqualTo(b);
        assertThat(store.commit(List.of(new StoreOp.Fence(b)))).containsExactly(-1);
        assertThatThrownBy(() -> store.commit(List.of(new StoreOp.Fence(a))))
                .isInstanceOfSatisfying(CommitFailedException.class,
                        e -> assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED));
    }
}
