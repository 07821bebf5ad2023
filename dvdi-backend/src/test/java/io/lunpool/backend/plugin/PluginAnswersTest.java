package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.PluginAnswers.Capabilities;
import io.lunpool.backend.plugin.PluginAnswers.Err;
import io.lunpool.backend.plugin.PluginAnswers.Implements;
import io.lunpool.backend.plugin.PluginAnswers.MountpointAndErr;
import io.lunpool.backend.plugin.PluginAnswers.VolumeAndErr;
import io.lunpool.backend.plugin.PluginAnswers.VolumesAndErr;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answers' bytes: the protocol's field names, in its order, with CreatedAt left out when unknown. */
class PluginAnswersTest {
    private static String json(Object answer) {
        return new String(PluginResource.encode(answer), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lun", "wwn-v1");
        status.put("references", Map.of("A", 1));
        return status;
    }

    @Test
    void errOnly() {
        assertThat(json(Err.OK)).isEqualTo("{\"Err\":\"\"}");
        assertThat(json(new Err("NOT_FOUND: volume v1 does not exist")))
                .isEqualTo("{\"Err\":\"NOT_FOUND: volume v1 does not exist\"}");
    }

    @Test
    void mountpointComesAfterErr() {
        assertThat(json(MountpointAndErr.ok("/var/lib/lunpool/mounts/v1")))
                .isEqualTo("{\"Err\":\"\",\"Mountpoint\":\"/var/lib/lunpool/mounts/v1\"}");
    }

    @Test
    void activateAndCapabilities() {
        assertThat(json(Implements.VOLUME_DRIVER)).isEqualTo("{\"Implements\":[\"VolumeDriver\"]}");
        assertThat(json(Capabilities.GLOBAL)).isEqualTo("{\"Capabilities\":{\"Scope\":\"global\"}}");
    }

    @Test
    void getShowsTheVolumeBeforeErrWithCreatedAtInWholeSeconds() {
        PluginVolume v = new PluginVolume("v1", "/m/v1", Instant.parse("2026-11-28T22:18:21.123Z"), status());

        assertThat(json(VolumeAndErr.ok(v))).isEqualTo("{\"Volume\":{\"Name\":\"v1\",\"Mountpoint\":\"/m/v1\","
                + "\"CreatedAt\":\"2026-11-28T22:18:21Z\",\"Status\":{\"lun\":\"wwn-v1\",\"references\":{\"A\":1}}},"
                + "\"Err\":\"\"}");
    }

    @Test
    void listLeavesCreatedAtOutWhenUnknown() {
        PluginVolume v = new PluginVolume("v1", "", null, Map.of());

        assertThat(json(VolumesAndErr.ok(List.of(v))))
                .isEqualTo("{\"Volumes\":[{\"Name\":\"v1\",\"Mountpoint\":\"\",\"Status\":{}}],\"Err\":\"\"}");
        assertThat(json(VolumesAndErr.ok(List.of()))).isEqualTo("{\"Volumes\":[],\"Err\":\"\"}");
    }
}
