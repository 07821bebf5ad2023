package io.lunpool.scheduler.mesos.client;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The encoding of calls and events on the scheduler API. The master compares {@code Content-Type} as an exact
 * string, so the media type is sent bare, without parameters.
 */
public enum MesosContentType {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    private final String mediaType;

    MesosContentType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The setting's spelling: {@code json} or {@code protobuf}. */
    public String settingName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<MesosContentType> ofSetting(String value) {
        return Arrays.stream(values()).filter(t -> t.settingName().equals(value)).findFirst();
    }
}
