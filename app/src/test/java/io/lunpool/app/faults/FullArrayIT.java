package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.app.docker.LocalProcess;
import io.lunpool.backend.host.CommandRunner;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The loop array's filesystem (a small tmpfs) fills up under a control plane (the product jar's {@code scheduler}
 * command, a child process): carving stops with one clear warning and an EXHAUSTED create, leaves no file behind,
 * and the pools health check says why; an existing volume still attaches to another host and mounts there (mapping
 * writes in place); once there is room again the pool fills up again and the check is healthy.
 */
class FullArrayIT {
    private static final Duration WAIT = Duration.ofMinutes(2);

    @Test
    void aFullArrayStopsCarvingSaysWhyStillMountsAndCarvesAgainWhenThereIsRoom() throws Exception {
        try (ChildControlPlanes cluster = new ChildControlPlanes()) {
            new CommandRunner().runChecked(CommandRunner.QUICK, "mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs",
                    cluster.arrayDir().toString());
            LocalProcess cp = cluster.scheduler("a", List.of(new LocalProcess.Pool("fa", "16M", 2, 4, 0)), Map.of());
            cp.start();
            cp.runMaintainer();
            assertThat(free(cluster)).isEqualTo(2);
            FaultLedger ledger = cluster.ledger();
            Lun lun = cluster.tenant(cp, "v1", "fa");
            ledger.created("v1");
            cp.client().attach("v1", new AttachRequest("host-1", List.of(), false));
            Path filler = cluster.arrayDir().resolve("filler");
            fill(filler);
            List<String> filesWhenFull = files(cluster.arrayDir());

            cp.runMaintainer();
            cp.runMaintainer();

            assertThat(files(cluster.arrayDir())).as("nothing left of the refused carves").isEqualTo(filesWhenFull);
            JsonNode pools = health(cp).path("pools");
            assertThat(pools.path("healthy").asBoolean()).as("%s", pools).isFalse();
            assertThat(pools.path("message").asText()).contains("pool fa: provision failing since").contains("is full");
            assertThat(counter(cp, "lunpool.pool.maintainer-failures.provision")).isGreaterThanOrEqualTo(2);
            assertThat(cp.logText().lines().filter(l -> l.startsWith("WARN") && l.contains("pool fa: provision failing"))
                    .count()).as("the full array is logged once").isEqualTo(1);
            cp.client().createVolume(new CreateVolumeRequest("v2", "fa", null, null, null));
            ledger.created("v2");
            LunpoolException exhausted = catchThrowableOfType(LunpoolException.class, () ->
                    cp.client().createVolume(new CreateVolumeRequest("v3", "fa", null, null, null)));
            assertThat(exhausted.reason()).isEqualTo(Reason.EXHAUSTED);
            assertThat(exhausted.getMessage()).contains("is full");

            cp.client().attach("v1", new AttachRequest("host-2", List.of(), true));
            assertThat(cluster.readBack(lun, "v1")).isEqualTo("belongs to v1\n");
            cp.client().detach("v1", "host-2");
            assertThat(files(cluster.arrayDir())).as("mapping needed no new file").isEqualTo(filesWhenFull);

            Files.delete(filler);
            cp.runMaintainer();

            Await.until("pool fa has 2 FREE LUNs again", WAIT, () -> free(cluster) >= 2);
            assertThat(health(cp).path("pools").path("healthy").asBoolean()).isTrue();
            assertThat(cp.logText()).contains("pool fa: provision works again");
            ledger.choreLog(cp.log(), List.of());
            ledger.count().assertAllZero("the array's filesystem full, then freed");
        }
    }

    private static long free(ChildControlPlanes cluster) {
        return cluster.luns().stream().filter(l -> l.state() == LunState.FREE).count();
    }

    private static JsonNode health(LocalProcess p) throws Exception {
        return Json.mapper().readTree(get(p.adminUrl() + "/healthcheck"));
    }

    private static long counter(LocalProcess p, String name) throws Exception {
        return Json.mapper().readTree(get(p.adminUrl() + "/metrics")).path("counters").path(name).path("count")
                .asLong();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return resp.body();
    }

    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
