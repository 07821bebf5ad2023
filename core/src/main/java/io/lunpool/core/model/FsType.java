package io.lunpool.core.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.lunpool.core.LunpoolException;
import java.util.Locale;

/** Filesystems a pool can pre-make on its LUNs. */
public enum FsType {
    EXT4("ext4"),
    XFS("xfs");

    private final String id;

    FsType(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static FsType of(String text) {
        if (text != null) {
            for (FsType t : values()) {
                if (t.id.equals(text.toLowerCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw LunpoolException.invalid("fsType '" + text + "' is not supported; use ext4 or xfs");
    }
}
