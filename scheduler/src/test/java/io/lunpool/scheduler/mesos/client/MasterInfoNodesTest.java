package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.junit.jupiter.api.Test;

class MasterInfoNodesTest {
    @Test
    void theLowestSequenceOfAnyLabelLeadsAndOtherChildrenAreNoMembers() {
        Object[][] table = {
                {List.of("json.info_0000000003", "json.info_0000000002", "log_replicas"), "json.info_0000000002"},
                {List.of("info_0000000001", "json.info_0000000002"), "info_0000000001"},
                {List.of("0000000005", "json.info_0000000009"), "0000000005"},
                {List.of("log_replicas", "something"), null},
                {List.of(), null},
        };
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            List<String> children = (List<String>) row[0];
            assertThat(MasterInfoNodes.leader(children).map(MasterInfoNodes.Member::name))
                    .as(children.toString()).isEqualTo(Optional.ofNullable((String) row[1]));
        }
    }

    @Test
    void readsTheLeadersAddressFromJsonOrProtobufData() {
        String json = "{\"address\":{\"hostname\":\"master2\",\"ip\":\"10.0.2.6\",\"port\":5051},"
                + "\"hostname\":\"master2\",\"id\":\"abc\",\"ip\":84017162,\"pid\":\"master@10.0.2.6:5051\","
                + "\"port\":5051,\"version\":\"1.11.0\",\"future_field\":1}";
        MasterInfoNodes.Member jsonMember = MasterInfoNodes.member("json.info_0000000002").orElseThrow();
        assertThat(MasterInfoNodes.hostPort(jsonMember, json.getBytes(StandardCharsets.UTF_8))).isEqualTo("master2:5051");
        String ipOnly = "{\"id\":\"abc\",\"ip\":84017162,\"port\":5050}";
        assertThat(MasterInfoNodes.hostPort(jsonMember, ipOnly.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("10.0.2.5:5050");
        byte[] binary = MasterInfo.newBuilder().setId("x").setIp(0).setPort(7070)
                .setAddress(Address.newBuilder().setHostname("m3").setPort(7070)).build().toByteArray();
        assertThat(MasterInfoNodes.hostPort(MasterInfoNodes.member("info_0000000001").orElseThrow(), binary))
                .isEqualTo("m3:7070");
        assertThatThrownBy(() -> MasterInfoNodes.hostPort(jsonMember, "not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("json.info_0000000002");
        assertThatThrownBy(() -> MasterInfoNodes.hostPort(MasterInfoNodes.member("odd_0000000001").orElseThrow(),
                new byte[0])).hasMessageContaining("'odd'");
    }
}
