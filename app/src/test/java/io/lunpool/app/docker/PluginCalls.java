package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.backend.plugin.PluginSocketClient;
import java.util.LinkedHashMap;
import java.util.Map;

/** Plugin calls on the test socket the way dvdcli makes them: one connection per call, Activate first. */
public final class PluginCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PluginCalls() {
    }

    /** Activate, then {@code path} with {@code body}, on a fresh connection; returns the answer to the call. */
    public static PluginSocketClient.Reply call(String path, String body) {
        try (PluginSocketClient c = PluginSocketClient.connect(LocalProcess.SOCKET)) {
            PluginSocketClient.Reply activate = c.post("/Plugin.Activate", null);
            assertThat(activate.json().path("Implements").toString()).isEqualTo("[\"VolumeDriver\"]");
            return c.post(path, body);
        }
    }

    /** {@code Get}'s Volume; fails when Get answers an Err. */
    public static JsonNode get(String name) {
        PluginSocketClient.Reply r = call("/VolumeDriver.Get", "{\"Name\":" + quote(name) + "}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.err()).as("Get %s", name).isEmpty();
        return r.json().path("Volume");
    }

    /** The mount table's references of a volume on this host, as Get's Status shows them: ID to count. */
    public static Map<String, Integer> references(String name) {
        Map<String, Integer> out = new LinkedHashMap<>();
        get(name).path("Status").path("references").properties()
                .forEach(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
