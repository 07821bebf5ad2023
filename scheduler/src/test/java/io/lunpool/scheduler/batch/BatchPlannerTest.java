package io.lunpool.scheduler.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StoreOp;
import io.lunpool.scheduler.store.Versioned;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The planner's array calls around an attach: what must happen before the commit and what may follow it. */
class BatchPlannerTest {
    private static final String WWN = "naa.60014050000000000000000000000001";
    private final BatchPlanner planner = new BatchPlanner(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    private final Inventory inventory = new Inventory();

    @BeforeEach
    void volumeAttachedToHostA() {
        inventory.apply(Kind.POOL, "p", new Versioned<>("p", new PoolPolicy(16L << 20, 0, 1, FsType.EXT4, List.of(), 0),
                0));
        inventory.apply(Kind.LUN, WWN, new Versioned<>(WWN, new Lun(WWN, "p", LunState.CLAIMED, "v", "/a/p-1.img",
                16L << 20, null), 3));
        inventory.apply(Kind.VOLUME, "v", new Versioned<>("v", new Volume("v", "p", WWN, 16L << 20, Map.of(),
                Instant.EPOCH, null), 0));
        inventory.apply(Kind.ATTACHMENT, "v", new Versioned<>("v", new Attachment("v", "host-a", List.of("wa"),
                Instant.EPOCH, null), 5));
    }

    @Test
    void aPreemptUnmapsTheOldHostBeforeItMapsTheNewOneAndBeforeTheCommit() {
        BatchPlan plan = planner.plan(inventory, List.of(new Request.Attach("v", "host-b", List.of("wb"), true)));

        assertThat(plan.before()).containsExactly(new ArrayEffect.UnmapLun(WWN, "host-a", 0),
                new ArrayEffect.MapLun(WWN, "host-b", List.of("wb"), 0));
        assertThat(plan.after()).as("nothing left for after the commit").isEmpty();
        assertThat(plan.ops()).as("the fence and the marker are the committer's").hasSize(1).last().isInstanceOfSatisfying(StoreOp.Set.class, set -> {
            assertThat(set.value()).isEqualTo(new Attachment("v", "host-b", List.of("wb"), Instant.EPOCH, "host-a"));
            assertThat(set.expectedVersion()).isEqualTo(5);
        });
    }

    @Test
    void anAttachWithoutPreemptMapsBeforeTheCommitAndUnmapsNothing() {
        inventory.apply(Kind.ATTACHMENT, "v", null);

        BatchPlan plan = planner.plan(inventory, List.of(new Request.Attach("v", "host-b", List.of(), false)));

        assertThat(plan.before()).containsExactly(new ArrayEffect.MapLun(WWN, "host-b", List.of(), 0));
        assertThat(plan.after()).isEmpty();
    }

    @Test
    void aDetachUnmapsAfterTheCommit() {
        BatchPlan plan = planner.plan(inventory, List.of(new Request.Detach("v", "host-a")));

        assertThat(plan.before()).isEmpty();
        assertThat(plan.after()).containsExactly(new ArrayEffect.UnmapLun(WWN, "host-a", 0));
    }

    @Test
    void eachArrayCallBelongsToTheRequestThatNeedsIt() {
        inventory.apply(Kind.VOLUME, "w", new Versioned<>("w", new Volume("w", "p", "naa.other", 16L << 20, Map.of(),
                Instant.EPOCH, null), 0));
        inventory.apply(Kind.LUN, "naa.other", new Versioned<>("naa.other", new Lun("naa.other", "p",
                LunState.CLAIMED, "w", "/a/p-2.img", 16L << 20, null), 0));

        BatchPlan plan = planner.plan(inventory, List.of(new Request.Attach("w", "host-c", List.of(), false),
                new Request.Attach("v", "host-b", List.of(), true)));

        assertThat(plan.before()).extracting(ArrayEffect::owner).containsExactly(0, 1, 1);
    }
}
