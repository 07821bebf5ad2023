package io.lunpool.scheduler.mesos.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.mesos.v1.Protos.MasterInfo;

/**
 * Reads the masters' ZooKeeper group the way Mesos' own detector does: every child named
 * {@code <label>_<sequence>} (or a bare sequence) is a member, other children (such as the registry's
 * {@code log_replicas}) are not; the member with the lowest sequence leads. A {@code json.info_} member holds
 * {@code MasterInfo} as JSON, an {@code info_} member as binary protobuf.
 */
final class MasterInfoNodes {
    static final String JSON_LABEL = "json.info";
    static final String PROTOBUF_LABEL = "info";

    /** A member of the group: its child name, label and sequence. */
    record Member(String name, Optional<String> label, long sequence) {
    }

    private MasterInfoNodes() {
    }

    static Optional<Member> leader(List<String> children) {
        return children.stream().flatMap(c -> member(c).stream()).min(Comparator.comparingLong(Member::sequence));
    }

    static Optional<Member> member(String child) {
        String[] tokens = child.split("_");
        String last = tokens[tokens.length - 1];
        if (last.isEmpty() || !last.chars().allMatch(Character::isDigit) || last.length() > 10) {
            return Optional.empty();
        }
        long sequence = Long.parseLong(last);
        if (sequence > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        Optional<String> label = tokens.length > 1 ? Optional.of(tokens[0]) : Optional.empty();
        return Optional.of(new Member(child, label, sequence));
    }

    /** The leader's {@code host:port} from its node's data; an unreadable node is an IllegalArgumentException. */
    static String hostPort(Member leader, byte[] data) {
        MasterInfo info = parse(leader, data);
        String host = info.hasAddress() && !info.getAddress().getHostname().isEmpty() ? info.getAddress().getHostname()
                : !info.getHostname().isEmpty() ? info.getHostname()
                : info.hasAddress() && !info.getAddress().getIp().isEmpty() ? info.getAddress().getIp()
                : ipv4(info.getIp());
        int port = info.hasAddress() ? info.getAddress().getPort() : info.getPort();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static MasterInfo parse(Member leader, byte[] data) {
        String label = leader.label().orElse("");
        try {
            if (label.equals(JSON_LABEL)) {
                MasterInfo.Builder info = MasterInfo.newBuilder();
                JsonFormat.parser().ignoringUnknownFields().merge(new String(data, StandardCharsets.UTF_8), info);
                return info.build();
            }
            if (label.equals(PROTOBUF_LABEL)) {
                return MasterInfo.parseFrom(data);
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalArgumentException("the leading master's node " + leader.name()
                    + " holds no readable MasterInfo: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the leading master's node " + leader.name()
                + " has the label '" + label + "', which holds no MasterInfo this client reads");
    }

    /** MasterInfo.ip is an IPv4 address in network byte order read as a little-endian integer. */
    private static String ipv4(int ip) {
        return (ip & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 24) & 0xff);
    }
}
