package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.lunpool.backend.plugin.PluginSocketClient.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plugin protocol over a real unix socket, spoken byte for byte like dockerd and dvdcli. */
@ExtendWith(DropwizardExtensionsSupport.class)
@Timeout(60)
class PluginProtocolTest {
    private static final Path DIR = staleSocketDir();
    private static final Path SOCKET = DIR.resolve("plugins/fc.sock");
    private static final Path MOUNTS = DIR.resolve("mounts");
    private static final AtomicInteger NAMES = new AtomicInteger();

    static final DropwizardAppExtension<PluginTestApplication.Config> APP = new DropwizardAppExtension<>(
            PluginTestApplication.class, ResourceHelpers.resourceFilePath("plugin-test.yml"),
            ConfigOverride.config("server.applicationConnectors[1].path", SOCKET.toString()),
            ConfigOverride.config("backend.mountRoot", MOUNTS.toString()),
            ConfigOverride.config("backend.stateDir", DIR.resolve("state").toString()));

    /** A temp dir holding a socket file nobody listens on, as a killed plugin leaves it. */
    private static Path staleSocketDir() {
        try {
            Path dir = Files.createTempDirectory("lunpool-plugin");
            // the app runs until after every @AfterAll of this class: remove its files when the test JVM ends
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Path socket = dir.resolve("plugins/fc.sock");
            Files.createDirectories(socket.getParent());
            try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                stale.bind(UnixDomainSocketAddress.of(socket));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }

    private static PluginTestApplication app() {
        return APP.getApplication();
    }

    private static PluginSocketClient client() {
        return PluginSocketClient.connect(SOCKET);
    }

    private static String name() {
        return "vol" + NAMES.incrementAndGet();
    }

    private static String body(String name) {
        return "{\"Name\":\"" + name + "\"}";
    }

    private static String body(String name, String id) {
        return "{\"Name\":\"" + name + "\",\"ID\":\"" + id + "\"}";
    }

    @Test
    void activateWithEmptyBodyAnnouncesAVolumeDriver() {
        try (PluginSocketClient c = client()) {
            Reply r = c.post("/Plugin.Activate", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"Implements\":[\"VolumeDriver\"]}");
            assertThat(r.headers().get("content-type")).startsWith(PluginResource.DOCKER_JSON);
        }
    }

    @Test
    void pluginEndpointsAreNotServedOnTcpConnectors() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/VolumeDriver.Create"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"Name\":\"viatcp\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Get", "{\"Name\":\"viatcp\"}").err()).contains("NOT_FOUND");
        }
    }

    @Test
    void capabilitiesSayGlobalScope() {
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Capabilities", "{}").body())
                    .isEqualTo("{\"Capabilities\":{\"Scope\":\"global\"}}");
        }
    }

    @Test
    void staleSocketFileWasReplacedAndHasMode0660() throws IOException {
        assertThat(Files.readAttributes(SOCKET, java.nio.file.attribute.BasicFileAttributes.class).isOther()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(SOCKET))).isEqualTo("rw-rw----");
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/Plugin.Activate", null).status()).isEqualTo(200);
        }
    }

    @Test
    void dockerRunLifecycleOnOneKeepAliveConnection() throws IOException {
        String v = name();
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/Plugin.Activate", null).status()).isEqualTo(200);
            assertThat(c.post("/VolumeDriver.Get", body(v)).err()).startsWith("NOT_FOUND: volume " + v);
            assertThat(c.post("/VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":null}").body())
                    .isEqualTo("{\"Err\":\"\"}");

            JsonNode get = c.post("/VolumeDriver.Get", body(v)).json();
            assertThat(get.get("Err").asText()).isEmpty();
            JsonNode vol = get.get("Volume");
            assertThat(vol.get("Name").asText()).isEqualTo(v);
            assertThat(vol.get("Mountpoint").asText()).isEmpty();
            assertThat(vol.get("CreatedAt").asText()).isEqualTo("2026-11-28T22:18:21Z");
            assertThat(OffsetDateTime.parse(vol.get("CreatedAt").asText())).isNotNull();
            assertThat(vol.get("Status").get("pool").asText()).isEqualTo("default");
            assertThat(vol.get("Status").get("size").asText()).isEqualTo("1G");
            assertThat(vol.get("Status").get("lun").asText()).isNotEmpty();
            assertThat(vol.get("Status").get("host").asText()).isEmpty();

            Reply mount = c.post("/VolumeDriver.Mount", body(v, "A"));
            assertThat(mount.err()).isEmpty();
            Path mp = Path.of(mount.json().get("Mountpoint").asText());
            assertThat(mp).isEqualTo(MOUNTS.resolve(v)).isDirectory();
            assertThat(app().filesystem.isMounted(mp)).isTrue();
            assertThat(app().controlPlane.attachedTo(v)).contains("agent-1");

            vol = c.post("/VolumeDriver.Get", body(v)).json().get("Volume");
            assertThat(vol.get("Mountpoint").asText()).isEqualTo(mp.toString());
            assertThat(vol.get("Status").get("host").asText()).isEqualTo("agent-1");
            assertThat(vol.get("Status").get("references").get("A").asInt()).isEqualTo(1);
            assertThat(c.post("/VolumeDriver.Path", body(v)).json().get("Mountpoint").asText()).isEqualTo(mp.toString());
            JsonNode list = c.post("/VolumeDriver.List", "{}").json();
            assertThat(list.get("Err").asText()).isEmpty();
            assertThat(list.get("Volumes").findValues("Name")).extracting(JsonNode::asText).contains(v);

            // docker cp into the running container: Mount(A) again, Unmount(A): still mounted
            assertThat(c.post("/VolumeDriver.Mount", body(v, "A")).json().get("Mountpoint").asText())
                    .isEqualTo(mp.toString());
            assertThat(c.post("/VolumeDriver.Unmount", body(v, "A")).err()).isEmpty();
            assertThat(app().filesystem.isMounted(mp)).isTrue();
            assertThat(c.post("/VolumeDriver.Unmount", body(v, "unknown-id")).err()).isEmpty();
            assertThat(c.post("/VolumeDriver.Remove", body(v)).err())
                    .startsWith("IN_USE: volume " + v + " is mounted on this host (agent-1)");

            assertThat(c.post("/VolumeDriver.Unmount", body(v, "A")).err()).isEmpty();
            assertThat(app().filesystem.isMounted(mp)).isFalse();
            assertThat(app().controlPlane.attachedTo(v)).isEmpty();
            assertThat(c.post("/VolumeDriver.Path", body(v)).body()).isEqualTo("{\"Err\":\"\",\"Mountpoint\":\"\"}");
            assertThat(c.post("/VolumeDriver.Remove", body(v)).err()).isEmpty();
            assertThat(c.post("/VolumeDriver.Get", body(v)).err()).startsWith("NOT_FOUND");
        }
    }

    @Test
    void createIsIdempotentForSameOptionsAndConflictsForOthers() {
        String v = name();
        String create = "{\"Name\":\"" + v + "\",\"Opts\":{\"size\":\"64M\",\"fsType\":\"xfs\"}}";
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Create", create).err()).isEmpty();
            assertThat(c.post("/VolumeDriver.Create", create).err()).isEmpty();
            assertThat(c.post("/VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":{\"size\":\"2G\"}}").err())
                    .startsWith("CONFLICT: volume " + v + " exists with other options");
            JsonNode status = c.post("/VolumeDriver.Get", body(v)).json().get("Volume").get("Status");
            assertThat(status.get("size").asText()).isEqualTo("64M");
            assertThat(status.get("options").get("fsType").asText()).isEqualTo("xfs");
        }
    }

    @Test
    void getOfAnUnknownNameIsOneControlPlaneCall() {
        try (PluginSocketClient c = client()) {
            int before = app().controlPlane.calls();
            Reply r = c.post("/VolumeDriver.Get", body("nosuch"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"Err\":\"NOT_FOUND: volume nosuch does not exist\"}");
            assertThat(app().controlPlane.calls() - before).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"Name\":", "not json", "[1,2]", "{\"Name\":\"v1\"} trailing", "\"v1\""})
    void malformedJsonIsInvalid(String bodyText) {
        try (PluginSocketClient c = client()) {
            Reply r = c.postRaw("/VolumeDriver.Create", bodyText.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.err()).startsWith("INVALID: request body is not");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"VolumeDriver.Create", "VolumeDriver.Remove", "VolumeDriver.Mount",
        "VolumeDriver.Unmount", "VolumeDriver.Path", "VolumeDriver.Get"})
    void missingNameOrBodyIsInvalid(String endpoint) {
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/" + endpoint, "{\"Opts\":null}").err()).isEqualTo(
                    "INVALID: request has no Name; expected {\"Name\":\"v1\"}");
            assertThat(c.post("/" + endpoint, "{\"Name\":null}").err()).startsWith("INVALID: request has no Name");
            assertThat(c.post("/" + endpoint, "{\"Name\":7}").err()).startsWith("INVALID: Name must be a string");
            assertThat(c.post("/" + endpoint, null).err()).startsWith("INVALID: request body is empty");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/b", "..", "a..b", "x", "-lead", "ctl\\u0001x", "tab\\tx", "sp ace"})
    void badNamesAreInvalidOnEveryEndpoint(String jsonName) {
        try (PluginSocketClient c = client()) {
            for (String endpoint : new String[] {"Create", "Get", "Mount", "Unmount", "Remove", "Path"}) {
                Reply r = c.post("/VolumeDriver." + endpoint, "{\"Name\":\"" + jsonName + "\",\"ID\":\"x\"}");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.err()).as(endpoint).startsWith("INVALID: volume name");
            }
        }
    }

    @Test
    void aNameOf300CharactersIsInvalid() {
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Create", body("a".repeat(300))).err())
                    .isEqualTo("INVALID: volume name is 300 characters long; at most 128 are allowed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "0", "99999999P", "abc", ""})
    void badSizesAreInvalidAndCreateNothing(String size) {
        String v = name();
        try (PluginSocketClient c = client()) {
            Reply r = c.post("/VolumeDriver.Create", "{\"Name\":\"" + v + "\",\"Opts\":{\"size\":\"" + size + "\"}}");
            assertThat(r.err()).startsWith("INVALID: size");
            assertThat(c.post("/VolumeDriver.Get", body(v)).err()).startsWith("NOT_FOUND");
        }
    }

    @Test
    void unknownOptionKeysAreInvalidAndNameTheValidOnes() {
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Create", "{\"Name\":\"" + name() + "\",\"Opts\":{\"colour\":\"red\"}}")
                    .err()).isEqualTo("INVALID: unknown option 'colour'; valid options are bps, fsType, iops, pool, size");
            assertThat(c.post("/VolumeDriver.Create", "{\"Name\":\"" + name() + "\",\"Opts\":[\"size\"]}").err())
                    .startsWith("INVALID: Opts must be an object");
        }
    }

    @Test
    void unknownEndpointsAre404AndTheConnectionStaysUsable() {
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Frobnicate", "{}").status()).isEqualTo(404);
            assertThat(c.post("/NetworkDriver.CreateNetwork", "{}").status()).isEqualTo(404);
            assertThat(c.post("/Plugin.Activate", null).status()).isEqualTo(200);
        }
    }

    @Test
    void olderAcceptHeadersAreServedToo() {
        try (PluginSocketClient c = client()) {
            String req = "POST /Plugin.Activate HTTP/1.1\r\nHost: \r\nContent-Length: 0\r\n"
                    + "Accept: application/vnd.docker.plugins.v1+json\r\n\r\n";
            c.write(req.getBytes(StandardCharsets.US_ASCII));
            assertThat(c.read().status()).isEqualTo(200);
            c.write(("POST /VolumeDriver.Capabilities HTTP/1.1\r\nHost: \r\nContent-Length: 3\r\n"
                    + "Accept: text/plain\r\nContent-Type: text/plain\r\n\r\n{}\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(c.read().body()).contains("global");
        }
    }

    @Test
    void dvdcliMountCreatesOnMountAndOneIdLessUnmountReleases() {
        String v = name();
        Path mp;
        try (PluginSocketClient c = client()) {
            c.post("/Plugin.Activate", null);
            assertThat(c.post("/VolumeDriver.Get", body(v)).err()).startsWith("NOT_FOUND");
            Reply first = c.post("/VolumeDriver.Mount", body(v));
            assertThat(first.err()).isEmpty();
            mp = Path.of(first.json().get("Mountpoint").asText());
            assertThat(mp).isDirectory();
        }
        try (PluginSocketClient c = client()) {
            c.post("/Plugin.Activate", null);
            assertThat(c.post("/VolumeDriver.Mount", body(v)).json().get("Mountpoint").asText()).isEqualTo(mp.toString());
            assertThat(c.post("/VolumeDriver.Get", body(v)).json().get("Volume").get("Status").get("references")
                    .get("").asInt()).isEqualTo(2);
        }
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Unmount", body(v)).err()).isEmpty();
            assertThat(app().filesystem.isMounted(mp)).isFalse();
            assertThat(c.post("/VolumeDriver.Get", body(v)).json().get("Volume").get("Mountpoint").asText()).isEmpty();
            assertThat(c.post("/VolumeDriver.Unmount", body(v)).err()).isEmpty();
        }
    }

    @Test
    void mountOfAVolumeHeldByAnotherHostIsInUseNamingIt() {
        String v = name();
        try (PluginSocketClient c = client()) {
            c.post("/VolumeDriver.Create", body(v));
            app().controlPlane.attachElsewhere(v, "agent-3");
            assertThat(c.post("/VolumeDriver.Mount", body(v, "B")).err()).isEqualTo(
                    "IN_USE: volume " + v + " is attached to host agent-3; unmount it there or pass preempt");
            assertThat(app().wiring.service().table().get(v)).isEmpty();
        }
    }

    @Test
    void getOfAMountedVolumeAnswersWhileTheControlPlaneIsDown() {
        String v = name();
        try (PluginSocketClient c = client()) {
            String mp = c.post("/VolumeDriver.Mount", body(v, "C")).json().get("Mountpoint").asText();
            app().controlPlane.down(true);
            try {
                Reply get = c.post("/VolumeDriver.Get", body(v));
                assertThat(get.err()).isEmpty();
                assertThat(get.json().get("Volume").get("Mountpoint").asText()).isEqualTo(mp);
                assertThat(get.json().get("Volume").get("CreatedAt").asText()).isEqualTo("2026-11-28T22:18:21Z");
                assertThat(c.post("/VolumeDriver.Get", body("unknown" + v)).err()).startsWith("TRANSIENT: ");
            } finally {
                app().controlPlane.down(false);
            }
            assertThat(c.post("/VolumeDriver.Unmount", body(v, "C")).err()).isEmpty();
        }
    }

    @Test
    void aCallerThatHangsUpDuringMountLeavesNoReference() throws InterruptedException {
        String v = name();
        DirectoryFilesystem fs = app().filesystem;
        CountDownLatch hold = fs.holdMounts(v);
        try (PluginSocketClient c = client()) {
            c.send("/VolumeDriver.Mount", body(v, "gone"));
            assertThat(fs.awaitMountStarted(10)).isTrue();
        } finally {
            fs.releaseHold();
        }
        assertThat(hold.getCount()).isZero();
        Await.until("the reference of the undelivered mount is released", Duration.ofSeconds(10),
                () -> app().wiring.service().table().get(v).isEmpty());
        assertThat(fs.isMounted(MOUNTS.resolve(v))).isFalse();
        assertThat(app().controlPlane.attachedTo(v)).isEmpty();
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Remove", body(v)).err()).isEmpty();
        }
    }

    @Test
    void anotherVolumeMountsWhileOneMountIsSlow() throws InterruptedException {
        String slow = name();
        String fast = name();
        DirectoryFilesystem fs = app().filesystem;
        fs.holdMounts(slow);
        Thread t = new Thread(() -> {
            try (PluginSocketClient c = client()) {
                c.post("/VolumeDriver.Mount", body(slow, "S"));
            }
        });
        try {
            t.start();
            assertThat(fs.awaitMountStarted(10)).isTrue();
            try (PluginSocketClient c = client()) {
                assertThat(c.post("/VolumeDriver.Mount", body(fast, "F")).err()).isEmpty();
                assertThat(c.post("/VolumeDriver.Path", body(slow)).json().get("Mountpoint").asText()).isEmpty();
                assertThat(c.post("/VolumeDriver.Unmount", body(fast, "F")).err()).isEmpty();
            }
        } finally {
            fs.releaseHold();
            t.join(10_000);
        }
        try (PluginSocketClient c = client()) {
            assertThat(c.post("/VolumeDriver.Path", body(slow)).json().get("Mountpoint").asText()).isNotEmpty();
            assertThat(c.post("/VolumeDriver.Unmount", body(slow, "S")).err()).isEmpty();
        }
    }

    @Test
    void healthCheckReportsTheReconcile() {
        assertThat(app().wiring.health().isHealthy()).isTrue();
        assertThat(app().wiring.health().getMessage()).contains("start-up reconcile");
    }
}
