package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation")
class SchedulerCallsTest {
    private static final MesosClientSettings SETTINGS = MesosClientSettings.builder().master("http://m:5050")
            .role("storage").principal("fc-framework").webuiUrl("http://lunpool:7480").user("root").name("lunpool")
            .build();
    private final SchedulerCalls calls = new SchedulerCalls(SETTINGS);

    private static MesosResource offered(MesosResource r) {
        return new MesosResource(r.name(), r.kind(), r.scalar(), r.ranges(), r.set(), Optional.of("storage"),
                r.reservations(), r.disk(), false, false);
    }

    @Test
    void theFrameworkInfoIsMultiRoleCheckpointedWithALongFailoverTimeout() {
        FrameworkInfo info = calls.frameworkInfo(Optional.empty());
        assertThat(info.getUser()).isEqualTo("root");
        assertThat(info.getRolesList()).containsExactly("storage");
        assertThat(info.hasRole()).as("the legacy role field stays unset with MULTI_ROLE").isFalse();
        assertThat(info.getCheckpoint()).isTrue();
        assertThat(info.getFailoverTimeout()).isEqualTo(604800.0);
        assertThat(info.getPrincipal()).isEqualTo("fc-framework");
        assertThat(info.getWebuiUrl()).isEqualTo("http://lunpool:7480");
        assertThat(info.getCapabilitiesList()).extracting(FrameworkInfo.Capability::getType).containsExactlyInAnyOrder(
                FrameworkInfo.Capability.Type.MULTI_ROLE, FrameworkInfo.Capability.Type.RESERVATION_REFINEMENT,
                FrameworkInfo.Capability.Type.PARTITION_AWARE);
        Call again = calls.subscribe(Optional.of("fw-1"), true);
        assertThat(again.getFrameworkId().getValue()).isEqualTo("fw-1");
        assertThat(again.getSubscribe().getFrameworkInfo().getId().getValue()).isEqualTo("fw-1");
        assertThat(again.getSubscribe().getSuppressedRolesList()).containsExactly("storage");
    }

    @Test
    void sc17_reserveAndCreateUseTheReservationStackWithOurLabelsAndPrincipal() throws Exception {
        MesosResource disk = offered(MesosResource.scalar("disk", 1024).withDisk(Optional.of(MesosDisk.mount("/mnt/l7"))));
        MesosResource cpus = offered(MesosResource.scalar("cpus", 0.5));
        Call accept = calls.accept("fw-1", List.of("o1"), "agent-1",
                List.of(new OfferOperation.Reserve(List.of(disk, cpus), Map.of("lunpool_pool", "gold"))),
                Duration.ofSeconds(30));
        Offer.Operation reserve = accept.getAccept().getOperations(0);
        assertThat(reserve.getReserve().getResourcesList()).allSatisfy(r -> {
            assertThat(r.hasRole()).isFalse();
            assertThat(r.hasReservation()).isFalse();
            assertThat(r.getReservationsList()).singleElement().satisfies(res -> {
                assertThat(res.getType()).isEqualTo(Resource.ReservationInfo.Type.DYNAMIC);
                assertThat(res.getRole()).isEqualTo("storage");
                assertThat(res.getPrincipal()).isEqualTo("fc-framework");
                assertThat(res.getLabels().getLabels(0).getKey()).isEqualTo("lunpool_pool");
            });
        });
        assertThat(accept.getAccept().getFilters().getRefuseSeconds()).isEqualTo(30.0);

        MesosResource reservedDisk = ResourceMapping.resource(reserve.getReserve().getResources(0));
        Resource volume = calls.accept("fw-1", List.of("o2"), "agent-1",
                List.of(new OfferOperation.CreateVolume(reservedDisk, "vol-1", "data")), Duration.ofSeconds(5))
                .getAccept().getOperations(0).getCreate().getVolumes(0);
        Resource base = reserve.getReserve().getResources(0);
        assertThat(volume.getReservationsList()).isEqualTo(base.getReservationsList());
        assertThat(volume.getDisk().getSource()).isEqualTo(base.getDisk().getSource());
        assertThat(volume.getDisk().getPersistence().getId()).isEqualTo("vol-1");
        assertThat(volume.getDisk().getPersistence().getPrincipal()).isEqualTo("fc-framework");
        assertThat(volume.getDisk().getVolume().getContainerPath()).isEqualTo("data");
        String json = new String(new MesosCodec(MesosContentType.JSON).encode(accept), StandardCharsets.UTF_8);
        assertThat(json).contains("\"reservations\":[").doesNotContain("\"role\":\"*\"").doesNotContain("\"reservation\":");
    }

    @Test
    void operationsThatTheMasterWouldRefuseAreRefusedBeforeSending() {
        MesosResource elsewhere = new MesosResource("cpus", MesosResource.Kind.SCALAR, 1, List.of(), List.of(),
                Optional.of("other"), List.of(), Optional.empty(), false, false);
        MesosResource ours = offered(MesosResource.scalar("cpus", 1)).withReservations(List.of(new ResourceReservation(
                ResourceReservation.Type.DYNAMIC, "storage", Optional.of("fc-framework"), Map.of())));
        MesosResource volume = ours.withDisk(Optional.of(MesosDisk.mount("/m").asVolume("v", Optional.empty(), "d")));
        Object[][] table = {
                {new OfferOperation.Reserve(List.of(elsewhere), Map.of()), "allocated to role 'other'"},
                {new OfferOperation.Reserve(List.of(ours), Map.of()), "reserved for 'storage' already"},
                {new OfferOperation.Reserve(List.of(), Map.of()), "names no resource"},
                {new OfferOperation.Unreserve(List.of(offered(MesosResource.scalar("cpus", 1)))),
                        "not dynamically reserved"},
                {new OfferOperation.Unreserve(List.of(volume)), "DESTROY it first"},
                {new OfferOperation.CreateVolume(offered(MesosResource.scalar("disk", 1)), "v", "d"),
                        "needs a reserved disk"},
                {new OfferOperation.DestroyVolume(ours), "which is no volume"},
        };
        for (Object[] row : table) {
            assertThatThrownBy(() -> calls.accept("fw", List.of("o"), "a", List.of((OfferOperation) row[0]),
                    Duration.ofSeconds(5))).as((String) row[1]).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining((String) row[1]);
        }
        assertThatThrownBy(() -> new TaskSpec("t", "t", List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of())).hasMessageContaining("exactly one of an executor and a command");
    }
}
