package io.lunpool.scheduler.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import java.io.IOException;

/**
 * Encodes records as compact JSON for the store (throughput falls with payload size): the shared
 * {@link Json} settings, no indentation, and null fields left out. Empty strings and collections are
 * kept, because some records tell "" from null (a LUN's backing).
 */
public final class RecordCodec {
    private final ObjectMapper mapper;

    public RecordCodec() {
        this.mapper = Json.mapper()
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL));
    }

    public byte[] encode(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("a stored record cannot be null; use a Delete op to remove it");
        }
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Decodes a record; {@code where} names it (a path or key) in the error when the bytes do not decode. */
    public <T> T decode(Class<T> type, byte[] data, String where) {
        try {
            return mapper.readValue(data, type);
        } catch (IOException | RuntimeException e) {
            throw LunpoolException.invalid("the record at " + where + " is not a valid " + type.getSimpleName()
                    + " (" + e.getMessage() + "); repair or delete it");
        }
    }
}
