package io.lunpool.backend.chores;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.lunpool.backend.plugin.Await;
import io.lunpool.backend.plugin.PluginSocketClient;
import io.lunpool.backend.plugin.PluginSocketClient.Reply;
import io.lunpool.backend.plugin.PluginTestApplication;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backend's chore endpoint over a real unix socket, on the plugin test application (an in-memory control plane,
 * fake devices, chores that record what they were asked): what reaches the host layer, what is refused, and which
 * door serves it.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Timeout(60)
class ChoreEndpointTest {
    private static final Path DIR = tempDir();
    private static final Path SOCKET = DIR.resolve("plugins/fc.sock");
    private static final String WWN = "naa.600a0980000000000000000000c0ffee";
    private static final String WIPE = "{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"backing\":\"/var/lib/l/a.img\"}";

    static final DropwizardAppExtension<PluginTestApplication.Config> APP = new DropwizardAppExtension<>(
            PluginTestApplication.class, ResourceHelpers.resourceFilePath("plugin-test.yml"),
            ConfigOverride.config("server.applicationConnectors[1].path", SOCKET.toString()),
            ConfigOverride.config("backend.mountRoot", DIR.resolve("mounts").toString()),
            ConfigOverride.config("backend.stateDir", DIR.resolve("state").toString()));

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("lunpool-chores");
            Files.createDirectories(dir.resolve("plugins"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeTempDir() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> files = Files.walk(DIR)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not remove " + DIR + ": " + e);
            }
        }));
    }

    private static PluginTestApplication app() {
        return APP.getApplication();
    }

    private static Reply post(String path, String body) {
        try (PluginSocketClient c = PluginSocketClient.connect(SOCKET)) {
            return c.post(path, body);
        }
    }

    @BeforeEach
    void releaseHeldChores() {
        app().chores.release();
        app().chores.failWith(null);
    }

    @Test
    void aPrepareAndAWipeReachTheHostLayerAndAnswerAnEmptyErr() {
        int before = app().chores.calls().size();
        Reply prepare = post("/Chores.Prepare", "{\"kind\":\"prepare\",\"wwn\":\"" + WWN
                + "\",\"backing\":\"/var/lib/l/a.img\",\"fsType\":\"xfs\",\"mkfsOptions\":[\"-m\",\"crc=1\"]}");
        Reply wipe = post("/Chores.Wipe", WIPE);

        assertThat(prepare.status()).isEqualTo(200);
        assertThat(prepare.body()).isEqualTo("{\"Err\":\"\"}");
        assertThat(wipe.body()).isEqualTo("{\"Err\":\"\"}");
        assertThat(app().chores.calls().subList(before, before + 2)).containsExactly(
                "prepare " + WWN + " /var/lib/l/a.img xfs [-m, crc=1]", "wipe " + WWN + " /var/lib/l/a.img");
    }

    @Test
    void theChoreEndpointIsNotServedOnTheRestPort() throws Exception {
        int before = app().chores.calls().size();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/Chores.Wipe"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(WIPE)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(app().chores.calls()).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "{\"kind\":\"wipe\",",
            "[\"wipe\"]",
            "{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\",\"force\":true}",
            "{\"kind\":\"wipe\",\"wwn\":\"a b\"}",
            "{\"kind\":\"prepare\",\"wwn\":\"" + WWN + "\",\"fsType\":\"ext4\"}",
            "{\"kind\":\"wipe\",\"wwn\":\"" + WWN + "\"}"})
    void badJsonIsAnsweredInvalidNamingTheProblemAndRunsNothing(String body) {
        int before = app().chores.calls().size();
        Reply r = post("/Chores.Wipe", body);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.err()).startsWith("INVALID: ");
        assertThat(r.err()).containsAnyOf("empty", "not valid JSON", "must be a JSON object", "'force' is unknown",
                "is not a LUN wwn", "the call is Chores.Wipe", "names no backing file");
        assertThat(app().chores.calls()).hasSize(before);
    }

    @Test
    void aFailedChoreAnswersItsReason() {
        app().chores.failWith(new LunpoolException(Reason.HOST_ERROR, "wipe of /dev/loop7 left non-zero bytes at"
                + " offset 4096"));

        assertThat(post("/Chores.Wipe", WIPE).err())
                .isEqualTo("HOST_ERROR: wipe of /dev/loop7 left non-zero bytes at offset 4096");
    }

    @Test
    void aChoreOnTheLunOfAVolumeMountedHereIsRefusedInUse() {
        try (PluginSocketClient c = PluginSocketClient.connect(SOCKET)) {
            assertThat(c.post("/VolumeDriver.Create", "{\"Name\":\"held\"}").err()).isEmpty();
            assertThat(c.post("/VolumeDriver.Mount", "{\"Name\":\"held\",\"ID\":\"a\"}").err()).isEmpty();
            String lun = app().controlPlane.get("held").orElseThrow().lun();
            int before = app().chores.calls().size();

            String wipe = "{\"kind\":\"wipe\",\"wwn\":\"" + lun + "\",\"backing\":\"/var/lib/l/" + lun + ".img\"}";
            Reply r = c.post("/Chores.Wipe", wipe);

            assertThat(r.err()).startsWith("IN_USE: LUN " + lun + " holds volume held");
            assertThat(app().chores.calls()).hasSize(before);
            assertThat(c.post("/VolumeDriver.Unmount", "{\"Name\":\"held\",\"ID\":\"a\"}").err()).isEmpty();
            assertThat(c.post("/Chores.Wipe", wipe).err()).as("once unmounted").isEmpty();
        }
    }

    @Test
    void choresOnOneLunRunOneAtATimeAndOnTwoLunsSideBySide() throws Exception {
        app().chores.hold();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (String wwn : List.of(WWN, WWN, "naa.600a0980000000000000000000beef00")) {
            calls.add(CompletableFuture.supplyAsync(() -> post("/Chores.Wipe", "{\"kind\":\"wipe\",\"wwn\":\""
                    + wwn + "\",\"backing\":\"/var/lib/l/" + wwn + ".img\"}")));
        }
        Await.until("two chores run at once", Duration.ofSeconds(30), () -> app().chores.mostAtOnce() >= 2);
        app().chores.release();
        for (CompletableFuture<Reply> call : calls) {
            assertThat(call.get().err()).isEmpty();
        }

        assertThat(app().chores.mostAtOnce()).as("the two chores of one LUN never overlapped").isEqualTo(2);
    }
}
