package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A decoded plugin request body: {@code {"Name": s, "ID": s, "Opts": {s: s} | null}}. Decoded like Docker's Go
 * encoder writes it and Go's decoder would read it: field names case-insensitive, unknown fields ignored,
 * {@code null} for absent, a trailing newline. Bodies larger than {@value #MAX_BYTES} bytes are refused.
 * {@code id} is {@code ""} when the caller sends none (dvdcli).
 */
record PluginRequest(String name, String id, Map<String, String> opts) {
    static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static byte[] read(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw LunpoolException.invalid("request body is larger than " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw LunpoolException.transientError("reading the request body failed: " + e.getMessage(), e);
        }
    }

    /** Decodes a body that must name a valid volume. */
    static PluginRequest parse(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw LunpoolException.invalid("request body is empty; expected JSON such as {\"Name\":\"v1\"}");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw LunpoolException.invalid("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw LunpoolException.invalid("request body is not a JSON object; expected {\"Name\":\"v1\"}");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            fields.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        String name = text(fields.get("name"), "Name");
        if (name == null) {
            throw LunpoolException.invalid("request has no Name; expected {\"Name\":\"v1\"}");
        }
        Names.volume(name);
        String id = text(fields.get("id"), "ID");
        return new PluginRequest(name, id == null ? "" : id, opts(fields.get("opts")));
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw LunpoolException.invalid(field + " must be a string, not " + node);
        }
        return node.asText();
    }

    private static Map<String, String> opts(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw LunpoolException.invalid("Opts must be an object of strings such as {\"size\":\"1G\"}, not " + node);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                throw LunpoolException.invalid("option '" + e.getKey() + "' must be a string, not " + v);
            }
            out.put(e.getKey(), v.isNull() ? null : v.asText());
        }
        return out;
    }
}
