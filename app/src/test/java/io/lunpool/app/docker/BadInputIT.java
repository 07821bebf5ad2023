package io.lunpool.app.docker;

import static io.lunpool.app.docker.LocalProcess.DRIVER;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.PluginSocketClient;
import io.lunpool.core.api.LunpoolClient;
import io.lunpool.core.api.PoolView;
import io.lunpool.core.api.VolumeView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on the plugin socket is refused (HTTP 200 with an {@code Err}, or 4xx) and changes nothing: the control
 * plane's volumes and pool counts, the mount root and the loop devices are the same before and after.
 */
class BadInputIT {
    private static final String LONG = "a".repeat(300);

    @RegisterExtension
    static final PluginFixture env = new PluginFixture("small", List.of(new LocalProcess.Pool("small", "64M", 2, 4, 0)));

    private final LunpoolClient client = env.local().client();

    /** Everything bad input must leave alone. */
    record State(Map<String, String> volumes, Map<String, PoolView.Counts> pools, List<String> mountRoot,
                 List<String> loops) {
    }

    static Stream<Arguments> badRequests() {
        List<Arguments> cases = new ArrayList<>();
        // malformed or wrongly shaped bodies
        for (String body : List.of("{\"Name\":", "not json", "[]", "null", "\"v1\"", "{\"Name\":\"ok1\"} {}",
                "{\"Name\":5}", "{\"Name\":[\"ok1\"]}", "")) {
            for (String endpoint : List.of("Create", "Mount", "Remove", "Unmount", "Get", "Path")) {
                cases.add(Arguments.of("/VolumeDriver." + endpoint, body));
            }
        }
        // missing Name
        cases.add(Arguments.of("/VolumeDriver.Create", "{}"));
        cases.add(Arguments.of("/VolumeDriver.Create", "{\"Opts\":{\"size\":\"64M\"}}"));
        cases.add(Arguments.of("/VolumeDriver.Mount", "{\"ID\":\"abc\"}"));
        cases.add(Arguments.of("/VolumeDriver.Create", "{\"Name\":null}"));
        // bad names, on every call that takes one
        for (String name : List.of("\"\"", "\"a/b\"", "\"..x\"", "\"../../etc\"", "\"" + LONG + "\"", "\"a\\u0001b\"",
                "\"a\\nb\"", "\"a\u0007b\"", "\"x\"", "\"-lead\"", "\".hidden\"", "\"sp ace\"", "\"a\\\\b\"")) {
            for (String endpoint : List.of("Create", "Mount", "Remove", "Unmount", "Get", "Path")) {
                cases.add(Arguments.of("/VolumeDriver." + endpoint, "{\"Name\":" + name + ",\"ID\":\"i1\"}"));
            }
        }
        // bad sizes, a pool that does not exist, unknown or malformed options
        for (String opts : List.of("{\"size\":\"-1\"}", "{\"size\":\"0\"}", "{\"size\":\"99999999P\"}",
                "{\"size\":\"abc\"}", "{\"size\":\"\"}", "{\"size\":\"1G\"}", "{\"size\":\"64 M B\"}",
                "{\"pool\":\"nosuch\"}", "{\"pool\":\"../small\"}", "{\"color\":\"red\"}",
                "{\"size\":\"64M\",\"sizee\":\"1\"}", "{\"size\":\"64M\",\"SIZE\":\"64M\"}", "{\"size\":{\"a\":1}}",
                "{\"fsType\":\"ntfs\"}", "{\"iops\":\"-5\"}", "\"size=64M\"", "[\"size\"]")) {
            cases.add(Arguments.of("/VolumeDriver.Create", "{\"Name\":\"badopts\",\"Opts\":" + opts + "}"));
        }
        // a body over the size limit
        cases.add(Arguments.of("/VolumeDriver.Create",
                "{\"Name\":\"big\",\"Opts\":{\"size\":\"64M\",\"pool\":\"" + "p".repeat(70_000) + "\"}}"));
        // unknown endpoints
        for (String endpoint : List.of("/VolumeDriver.Frobnicate", "/VolumeDriver.create", "/Plugin.Deactivate",
                "/NetworkDriver.CreateNetwork", "/", "/VolumeDriver.Create/extra", "/../VolumeDriver.Create")) {
            cases.add(Arguments.of(endpoint, "{\"Name\":\"viaunknown\"}"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0} {1}")
    @MethodSource("badRequests")
    void badRequestIsRefusedAndChangesNothing(String endpoint, String body) {
        State before = state();

        PluginSocketClient.Reply reply;
        try (PluginSocketClient c = PluginSocketClient.connect(LocalProcess.SOCKET)) {
            reply = c.postRaw(endpoint, body.getBytes(StandardCharsets.UTF_8));
        }

        if (reply.status() == 200) {
            assertThat(reply.err()).as("answer to %s %s", endpoint, abbreviated(body)).isNotBlank();
        } else {
            assertThat(reply.status()).as("answer to %s %s: %s", endpoint, abbreviated(body), reply.body())
                    .isBetween(400, 499);
        }
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void dockerVolumeCreateWithBadOptionsShowsTheErrorAndCreatesNothing() {
        State before = state();
        DockerCli docker = env.docker;

        DockerCli.Result size = docker.run("volume", "create", "-d", DRIVER, "--opt", "size=abc", "bad-size").failed();
        DockerCli.Result option = docker.run("volume", "create", "-d", DRIVER, "--opt", "colour=red", "bad-opt").failed();
        DockerCli.Result name = docker.run("volume", "create", "-d", DRIVER, "a..b").failed();

        assertThat(size.err()).contains("INVALID").contains("size 'abc'");
        assertThat(option.err()).contains("INVALID").contains("unknown option 'colour'");
        assertThat(name.err()).contains("a..b");
        assertThat(docker.ok("volume", "ls", "-q", "--filter", "driver=" + DRIVER).lines())
                .doesNotContain("bad-size", "bad-opt", "a..b");
        assertThat(state()).isEqualTo(before);
    }

    private State state() {
        Map<String, String> volumes = new TreeMap<>();
        for (VolumeView v : client.volumes()) {
            volumes.put(v.name(), v.lun());
        }
        Map<String, PoolView.Counts> pools = new TreeMap<>();
        for (PoolView p : client.pools()) {
            pools.put(p.name(), p.counts());
        }
        return new State(volumes, pools, list(env.local().mountRoot()), HostState.loopDevicesUnder(env.local().root()));
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String abbreviated(String body) {
        return body.length() > 80 ? body.substring(0, 80) + "..." : body;
    }
}
