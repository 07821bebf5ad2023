package io.lunpool.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A chore for one host: make the pool's filesystem on a LUN ({@code prepare}) or zero the LUN and prove it
 * ({@code wipe}). It is the data of a chore task that the scheduler launches on the executor, and the body of the
 * backend's chore endpoint ({@code POST /Chores.Prepare}, {@code POST /Chores.Wipe}):
 *
 * <pre>
 * {"kind":"prepare","wwn":"naa.600a0980…","backing":"/var/lib/lunpool/array/gold-7.img","fsType":"ext4","mkfsOptions":[]}
 * {"kind":"wipe","wwn":"naa.600a0980…","backing":"/var/lib/lunpool/array/gold-7.img"}
 * </pre>
 *
 * {@code backing} is how a host reaches a LUN where the wwn alone is not enough (the loop array's image file);
 * {@code fsType} and {@code mkfsOptions} belong to a prepare only. {@link #parse} refuses anything else, naming
 * the field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChoreRequest(Kind kind, String wwn, String backing, FsType fsType, List<String> mkfsOptions) {
    public static final int MAX_JSON_BYTES = 64 * 1024;
    private static final int MAX_WWN = 128;
    private static final int MAX_PATH = 4096;
    private static final int MAX_OPTIONS = 64;
    private static final Pattern WWN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]*");
    private static final Set<String> FIELDS = Set.of("kind", "wwn", "backing", "fsType", "mkfsOptions");

    /** What the chore does. */
    public enum Kind {
        PREPARE, WIPE;

        @JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind of(String text) {
            for (Kind k : values()) {
                if (k.id().equals(text)) {
                    return k;
                }
            }
            throw LunpoolException.invalid("kind '" + text + "' is unknown; use prepare or wipe");
        }
    }

    public ChoreRequest {
        mkfsOptions = mkfsOptions == null ? null : List.copyOf(mkfsOptions);
    }

    public static ChoreRequest prepare(LunTarget lun, FsType fsType, List<String> mkfsOptions) {
        return new ChoreRequest(Kind.PREPARE, lun.wwn(), blankToNull(lun.backing()), fsType, mkfsOptions).validate();
    }

    public static ChoreRequest wipe(LunTarget lun) {
        return new ChoreRequest(Kind.WIPE, lun.wwn(), blankToNull(lun.backing()), null, null).validate();
    }

    /** The LUN as the host layer finds it ({@code backing} "" when there is none). */
    public LunTarget target() {
        return new LunTarget(wwn, backing == null ? "" : backing);
    }

    /** The mkfs options of a prepare, none for a wipe. */
    public List<String> options() {
        return mkfsOptions == null ? List.of() : mkfsOptions;
    }

    /** Returns this request, or throws INVALID naming the first field that is wrong. */
    public ChoreRequest validate() {
        if (kind == null) {
            throw LunpoolException.invalid("chore field 'kind' is missing; use prepare or wipe");
        }
        if (wwn == null || wwn.isEmpty()) {
            throw LunpoolException.invalid("chore field 'wwn' is missing or empty");
        }
        if (wwn.length() > MAX_WWN || !WWN.matcher(wwn).matches()) {
            throw LunpoolException.invalid("chore field 'wwn' '" + printable(wwn) + "' is not a LUN wwn: at most "
                    + MAX_WWN + " letters, digits, '.', ':', '_' or '-', starting with a letter or digit");
        }
        if (backing != null) {
            if (backing.isEmpty() || backing.length() > MAX_PATH || backing.chars().anyMatch(Character::isISOControl)
                    || !backing.startsWith("/") || !Path.of(backing).normalize().toString().equals(backing)) {
                throw LunpoolException.invalid("chore field 'backing' '" + printable(backing) + "' is not an absolute,"
                        + " normalised path without control characters");
            }
        }
        if (kind == Kind.PREPARE) {
            if (fsType == null) {
                throw LunpoolException.invalid("chore field 'fsType' is missing; a prepare makes ext4 or xfs");
            }
            List<String> opts = options();
            if (opts.size() > MAX_OPTIONS) {
                throw LunpoolException.invalid("chore field 'mkfsOptions' holds " + opts.size() + " values; at most "
                        + MAX_OPTIONS + " are allowed");
            }
            for (String o : opts) {
                if (o == null || o.isEmpty() || o.chars().anyMatch(Character::isISOControl)) {
                    throw LunpoolException.invalid("chore field 'mkfsOptions' holds an empty value or a control"
                            + " character");
                }
            }
        } else if (fsType != null || mkfsOptions != null) {
            throw LunpoolException.invalid("chore fields 'fsType' and 'mkfsOptions' belong to a prepare; a wipe takes"
                    + " kind, wwn and backing");
        }
        return this;
    }

    public byte[] toJson() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a chore request", e);
        }
    }

    /**
     * Reads a chore from JSON, strictly: a body that is not one JSON object, a field that is unknown or of the
     * wrong type, or a value {@link #validate} refuses is INVALID with a message naming it. Bad input changes
     * nothing, because nothing runs before the chore is parsed.
     */
    public static ChoreRequest parse(byte[] json) {
        if (json == null || json.length == 0) {
            throw LunpoolException.invalid("the chore body is empty; send {\"kind\": \"prepare\"|\"wipe\", \"wwn\":"
                    + " ..., \"backing\": ..., \"fsType\": ...}");
        }
        if (json.length > MAX_JSON_BYTES) {
            throw LunpoolException.invalid("the chore body is " + json.length + " bytes; at most " + MAX_JSON_BYTES
                    + " are allowed");
        }
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw LunpoolException.invalid("the chore body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (tree == null || !tree.isObject()) {
            throw LunpoolException.invalid("the chore body must be a JSON object, not " + (tree == null ? "nothing"
                    : tree.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw LunpoolException.invalid("chore field '" + printable(name) + "' is unknown; the fields are kind,"
                        + " wwn, backing, fsType and mkfsOptions");
            }
        }
        String kind = text(tree, "kind");
        String fsType = text(tree, "fsType");
        List<String> options = null;
        JsonNode opts = tree.get("mkfsOptions");
        if (opts != null && !opts.isNull()) {
            if (!opts.isArray()) {
                throw LunpoolException.invalid("chore field 'mkfsOptions' must be an array of strings");
            }
            options = new ArrayList<>();
            for (JsonNode o : opts) {
                if (!o.isTextual()) {
                    throw LunpoolException.invalid("chore field 'mkfsOptions' must be an array of strings, not "
                            + "holding " + o.getNodeType().toString().toLowerCase(Locale.ROOT));
                }
                options.add(o.asText());
            }
        }
        return new ChoreRequest(kind == null ? null : Kind.of(kind), text(tree, "wwn"), text(tree, "backing"),
                fsType == null ? null : FsType.of(fsType), options).validate();
    }

    private static String text(JsonNode tree, String field) {
        JsonNode n = tree.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw LunpoolException.invalid("chore field '" + field + "' must be a string, not "
                    + n.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return n.asText();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(160).forEach(c -> out.append(Character.isISOControl(c) ? "\\u" + String.format("%04x", c)
                : new String(Character.toChars(c))));
        return out.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
