package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;

class MesosCodecTest {
    private final SchedulerCalls calls = new SchedulerCalls(MesosClientSettings.builder().master("http://m:5050")
            .role("storage").build());

    @Test
    void jsonUsesProtoFieldNamesAndIdObjects() {
        Call call = calls.subscribe(Optional.of("fw-1"), false);
        String json = new String(new MesosCodec(MesosContentType.JSON).encode(call), StandardCharsets.UTF_8);
        assertThat(json).contains("\"framework_info\":{").contains("\"framework_id\":{\"value\":\"fw-1\"}")
                .contains("\"failover_timeout\":604800.0").doesNotContain("frameworkInfo").doesNotContain(" ");
    }

    @Test
    void eventsDecodeFromJsonWithUnknownFieldsAndIntegralDoublesAndFromProtobuf() throws Exception {
        String json = "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":{\"value\":\"f-0000\"},"
                + "\"heartbeat_interval_seconds\":15,\"new_in_2030\":{\"x\":1}},\"other\":true}";
        Event e = new MesosCodec(MesosContentType.JSON).decode(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.getSubscribed().getHeartbeatIntervalSeconds()).isEqualTo(15.0);
        assertThat(e.getSubscribed().getFrameworkId().getValue()).isEqualTo("f-0000");
        Event back = new MesosCodec(MesosContentType.PROTOBUF).decode(e.toByteArray());
        assertThat(back).isEqualTo(e);
        assertThat(new MesosCodec(MesosContentType.PROTOBUF).encode(calls.teardown("f")))
                .isEqualTo(calls.teardown("f").toByteArray());
    }
}
