package io.lunpool.executor.fake;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * Parses a JSON executor call the way the agent does (stout's {@code protobuf::parse}): fields by their proto
 * names only, any other key (camelCase too) dropped silently, a message field given a string refused, and every
 * required field present.
 */
final class AgentCallJson {
    private AgentCallJson() {
    }

    /** The call, or an {@link IllegalArgumentException} with the agent's kind of message. */
    static Call parse(String json) {
        JsonElement tree;
        try {
            tree = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("Failed to parse body into JSON: " + e.getMessage(), e);
        }
        if (!tree.isJsonObject()) {
            throw new IllegalArgumentException("Failed to convert JSON into Call protobuf: Expecting a JSON object");
        }
        Call.Builder builder = Call.newBuilder();
        JsonObject kept = keep(tree.getAsJsonObject(), builder.getDescriptorForType());
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

    private static JsonObject keep(JsonObject object, Descriptor type) {
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
            return keep(value.getAsJsonObject(), type);
        }
        if (value.isJsonArray()) {
            JsonArray out = new JsonArray();
            for (JsonElement item : value.getAsJsonArray()) {
                out.add(keepIn(item, type));
            }
            return out;
        }
        return value;
    }
}
