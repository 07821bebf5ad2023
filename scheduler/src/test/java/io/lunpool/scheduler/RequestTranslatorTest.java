package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.HostRequest;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.scheduler.batch.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What each REST request record becomes, and what each bad one is refused with; no state involved. */
class RequestTranslatorTest {
    private static final RequestTranslator TRANSLATOR = new RequestTranslator("dflt");
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
    private static final PoolPolicy BASE = new PoolPolicy(1L << 30, 2, 8, FsType.EXT4, List.of(), 0);
    private static final List<String> MANY = IntStream.range(0, 65).mapToObj(i -> "i" + i).toList();

    /** One translation: the call, and either the request it makes or a word of the INVALID message. */
    record Case(String label, Supplier<Object> call, Object expected, String refusalHas) {
        @Override
        public String toString() {
            return label;
        }
    }

    private static Case ok(String label, Supplier<Object> call, Object expected) {
        return new Case(label, call, expected, null);
    }

    private static Case bad(String label, Supplier<Object> call, String refusalHas) {
        return new Case(label, call, null, refusalHas);
    }

    private static CreateVolumeRequest create(String name, String pool, String size, Map<String, String> options,
                                              String requestId) {
        return new CreateVolumeRequest(name, pool, size, options, requestId);
    }

    static Stream<Case> cases() {
        return Stream.of(
                ok("create with every field", () -> TRANSLATOR.createVolume(create("v1", "gold", "8M",
                        Map.of("iops", "100"), "r-1")),
                        new Request.CreateVolume("v1", "gold", 8L << 20, Map.of("iops", "100"), "r-1", null)),
                ok("create without pool or size takes the default pool and its LUN size",
                        () -> TRANSLATOR.createVolume(create("v1", null, null, null, null)),
                        new Request.CreateVolume("v1", "dflt", 0, Map.of(), null, null)),
                bad("create without a body", () -> TRANSLATOR.createVolume(null), "missing"),
                bad("create with a bad name", () -> TRANSLATOR.createVolume(create("a/b", null, null, null, null)),
                        "path separator"),
                bad("create with a bad pool name", () -> TRANSLATOR.createVolume(create("v1", "..", null, null, null)),
                        "pool name"),
                bad("create with a bad size", () -> TRANSLATOR.createVolume(create("v1", null, "lots", null, null)),
                        "cannot be parsed"),
                bad("create with an unknown option", () -> TRANSLATOR.createVolume(create("v1", null, null,
                        Map.of("colour", "red"), null)), "unknown option 'colour'"),
                bad("create with a control character in requestId", () -> TRANSLATOR.createVolume(create("v1", null,
                        null, null, "a\u0007b")), "requestId"),
                ok("delete", () -> TRANSLATOR.deleteVolume("v1"), new Request.DeleteVolume("v1")),
                bad("delete with a bad name", () -> TRANSLATOR.deleteVolume("a..b"), "'..'"),
                ok("attach", () -> TRANSLATOR.attach("v1", new AttachRequest("agent-1", List.of("iqn.1"), true)),
                        new Request.Attach("v1", "agent-1", List.of("iqn.1"), true)),
                ok("attach without initiators", () -> TRANSLATOR.attach("v1", new AttachRequest("agent-1", null, false)),
                        new Request.Attach("v1", "agent-1", List.of(), false)),
                bad("attach without a body", () -> TRANSLATOR.attach("v1", null), "missing"),
                bad("attach of a bad volume name", () -> TRANSLATOR.attach("", new AttachRequest("agent-1", null,
                        false)), "empty"),
                bad("attach with a bad host", () -> TRANSLATOR.attach("v1", new AttachRequest("a/b", null, false)),
                        "host name"),
                bad("attach with 65 initiators", () -> TRANSLATOR.attach("v1", new AttachRequest("agent-1", MANY,
                        false)), "at most 64 initiators"),
                ok("detach", () -> TRANSLATOR.detach("v1", "agent-1"), new Request.Detach("v1", "agent-1")),
                bad("detach from a bad host", () -> TRANSLATOR.detach("v1", "a b"), "host name"),
                ok("register a host", () -> TRANSLATOR.registerHost("agent-1", new HostRequest(List.of("iqn.1"),
                        Map.of("rack", "r1")), NOW),
                        new Request.PutHost(new Host("agent-1", List.of("iqn.1"), Map.of("rack", "r1"), NOW))),
                ok("register a host without a body", () -> TRANSLATOR.registerHost("agent-1", null, NOW),
                        new Request.PutHost(new Host("agent-1", List.of(), Map.of(), NOW))),
                ok("register a host with its Mesos agent", () -> TRANSLATOR.registerHost("agent-1",
                        new HostRequest(List.of(), Map.of(), "8c0e-S3"), NOW),
                        new Request.PutHost(new Host("agent-1", List.of(), Map.of(), NOW, "8c0e-S3"))),
                bad("register a host with a control character in its agent id", () -> TRANSLATOR.registerHost(
                        "agent-1", new HostRequest(List.of(), Map.of(), "S\u00013"), NOW), "agentId"),
                bad("register a host with a control character in a label", () -> TRANSLATOR.registerHost("agent-1",
                        new HostRequest(null, Map.of("rack", "r\u00011")), NOW), "label value"),
                bad("register a host with 65 labels", () -> TRANSLATOR.registerHost("agent-1", new HostRequest(null,
                        MANY.stream().collect(Collectors.toMap(k -> k, k -> "x"))), NOW), "at most 64 labels"),
                ok("set a pool: given fields over the base", () -> TRANSLATOR.setPool("gold",
                        new PoolRequest("512M", 0, null, "xfs", null, null), BASE),
                        new Request.PutPool("gold", new PoolPolicy(512L << 20, 0, 8, FsType.XFS, List.of(), 0))),
                ok("set a pool: an empty request keeps the base", () -> TRANSLATOR.setPool("gold",
                        new PoolRequest(null, null, null, null, null, null), BASE), new Request.PutPool("gold", BASE)),
                bad("set a pool without a body", () -> TRANSLATOR.setPool("gold", null, BASE), "missing"),
                bad("set a pool with a bad name", () -> TRANSLATOR.setPool("a/b", new PoolRequest(null, null, null,
                        null, null, null), BASE), "pool name"),
                bad("set a pool with xfs on LUNs too small for it", () -> TRANSLATOR.setPool("gold",
                        new PoolRequest("16M", null, null, "xfs", null, null), BASE), "xfs needs LUNs of at least 300M"),
                bad("set a pool with an unknown fsType", () -> TRANSLATOR.setPool("gold", new PoolRequest(null, null,
                        null, "ntfs", null, null), BASE), "ntfs"),
                bad("set a pool that breaks the policy rules", () -> TRANSLATOR.setPool("gold", new PoolRequest(null,
                        9, null, null, null, null), BASE), "minFree 9 is greater than maxFree 8"),
                ok("policy alone, as the configuration check uses it", () -> RequestTranslator.policy("gold",
                        new PoolRequest("2G", null, null, null, List.of("-m", "0"), 10), BASE),
                        new PoolPolicy(2L << 30, 2, 8, FsType.EXT4, List.of("-m", "0"), 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translatesOrRefuses(Case c) {
        if (c.refusalHas() == null) {
            assertThat(c.call().get()).isEqualTo(c.expected());
        } else {
            LunpoolException e = catchThrowableOfType(LunpoolException.class, c.call()::get);
            assertThat(e).as("%s is refused", c.label()).isNotNull();
            assertThat(e.reason()).isEqualTo(Reason.INVALID);
            assertThat(e.getMessage()).contains(c.refusalHas());
        }
    }
}
