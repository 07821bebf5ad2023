package io.lunpool.scheduler.mesos.client;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Encodes calls and decodes events in one of the two encodings. JSON uses the proto field names
 * ({@code framework_id}, not {@code frameworkId}): the master looks fields up by those names and silently drops
 * any other key. Events parse with unknown fields ignored, so a newer master's additions do not break the stream.
 */
final class MesosCodec {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final MesosContentType type;

    MesosCodec(MesosContentType type) {
        this.type = type;
    }

    MesosContentType type() {
        return type;
    }

    byte[] encode(Call call) {
        if (type == MesosContentType.PROTOBUF) {
            return call.toByteArray();
        }
        try {
            return PRINTER.print(call).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print the " + call.getType() + " call as JSON", e);
        }
    }

    Event decode(byte[] record) throws IOException {
        if (type == MesosContentType.PROTOBUF) {
            return Event.parseFrom(record);
        }
        Event.Builder event = Event.newBuilder();
        PARSER.merge(new String(record, StandardCharsets.UTF_8), event);
        return event.build();
    }
}
