package io.lunpool.scheduler.mesos.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;

/**
 * Parses JSON into a protobuf the way the master does (stout's {@code protobuf::parse}): fields are looked up by
 * their proto names only ({@code framework_id}); any other key, the camelCase spelling included, is dropped
 * silently, so a client that sends camelCase sees the master's "missing field" errors; a message field given a
 * string is an error; the result must have every required field.
 */
final class StoutJson {
    private StoutJson() {
    }

    /** The parsed message, or an {@link IllegalArgumentException} with the master's kind of message. */
    static <B extends Message.Builder> Message parse(String json, B builder) {
        JsonElement tree;
        try {
            tree = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Failed to parse body into JSON: " + e.getMessage(), e);
        }
        if (!tree.isJsonObject()) {
            throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: Expecting a JSON object");
        }
        JsonObject kept = keepProtoNames(tree.getAsJsonObject(), builder.getDescriptorForType());
        try {
            JsonFormat.parser().ignoringUnknownFields().merge(kept.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: " + e.getMessage(), e);
        }
        if (!builder.isInitialized()) {
            throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: Missing required fields: "
                    + String.join(", ", builder.findInitializationErrors()));
        }
        return builder.build();
    }

    private static JsonObject keepProtoNames(JsonObject object, Descriptor type) {
        JsonObject kept = new JsonObject();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            FieldDescriptor field = type.findFieldByName(e.getKey());
            if (field == null) {
                continue;
            }
            JsonElement value = e.getValue();
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField()) {
                if (value.isJsonPrimitive()) {
                    throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: Not expecting a"
                            + " JSON string for field '" + field.getName() + "'");
                }
                value = keepIn(value, field.getMessageType());
            }
            kept.add(e.getKey(), value);
        }
        return kept;
    }

    private static JsonElement keepIn(JsonElement value, Descriptor type) {
        if (value.isJsonObject()) {
            return keepProtoNames(value.getAsJsonObject(), type);
        }
        if (value.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement item : value.getAsJsonArray()) {
                if (item.isJsonPrimitive()) {
                    throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: Not expecting a"
                            + " JSON string in an array of " + type.getName());
                }
                out.add(keepIn(item, type));
            }
            return out;
        }
        return value;
    }
}
