package io.lunpool.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The command of a volume task, as the data of a task launched on the lunpool executor. A task with a custom
 * executor carries no CommandInfo of its own (Mesos refuses a task with both), so its data carries one with
 * CommandInfo's meaning: with {@code shell} (the default) {@code value} runs under {@code /bin/sh -c}; without,
 * {@code value} is the executable and {@code arguments} its whole argv (argv[0] first). {@code environment} is added
 * to the executor's own.
 *
 * <pre>
 * {"kind":"command","shell":true,"value":"exec ./serve --data \"$LUNPOOL_VOLUME_0\"","environment":{"MODE":"rw"}}
 * {"kind":"command","shell":false,"value":"/bin/cat","arguments":["cat","data/f"]}
 * </pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"kind", "shell", "value", "arguments", "environment"})
public record CommandRequest(String kind, boolean shell, String value, List<String> arguments,
                             Map<String, String> environment) {
    public static final String KIND = "command";
    private static final int MAX_VALUE = 64 * 1024;
    private static final int MAX_ITEMS = 256;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> FIELDS = Set.of("kind", "shell", "value", "arguments", "environment");

    public CommandRequest {
        arguments = arguments == null ? List.of() : List.copyOf(arguments);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    public static CommandRequest shell(String script, Map<String, String> environment) {
        return new CommandRequest(KIND, true, script, List.of(), environment).validate();
    }

    public static CommandRequest argv(String executable, List<String> argv, Map<String, String> environment) {
        return new CommandRequest(KIND, false, executable, argv, environment).validate();
    }

    /** The argv to run: {@code /bin/sh -c value}, or the arguments (the executable when there are none). */
    public List<String> argv() {
        if (shell) {
            return List.of("/bin/sh", "-c", value);
        }
        return arguments.isEmpty() ? List.of(value) : arguments;
    }

    /** Returns this command, or throws INVALID naming the first field that is wrong. */
    public CommandRequest validate() {
        if (!KIND.equals(kind)) {
            throw LunpoolException.invalid("command field 'kind' must be 'command'");
        }
        if (value == null || value.isEmpty() || value.length() > MAX_VALUE || value.indexOf('\0') >= 0) {
            throw LunpoolException.invalid("command field 'value' is missing, empty, longer than " + MAX_VALUE
                    + " characters or holds a NUL");
        }
        if (shell && !arguments.isEmpty()) {
            throw LunpoolException.invalid("command field 'arguments' is for a command without a shell; with"
                    + " \"shell\": true the whole command line is 'value'");
        }
        if (arguments.size() > MAX_ITEMS || environment.size() > MAX_ITEMS) {
            throw LunpoolException.invalid("a command takes at most " + MAX_ITEMS + " arguments and " + MAX_ITEMS
                    + " environment variables");
        }
        for (String a : arguments) {
            if (a == null || a.indexOf('\0') >= 0) {
                throw LunpoolException.invalid("command field 'arguments' holds a null or a NUL character");
            }
        }
        environment.forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches() || v == null || v.indexOf('\0') >= 0) {
                throw LunpoolException.invalid("command field 'environment' holds '" + k + "', which is not a"
                        + " variable name ([A-Za-z_][A-Za-z0-9_]*) with a value without NUL");
            }
        });
        return this;
    }

    public byte[] toJson() {
        try {
            return Json.mapper().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a command", e);
        }
    }

    /** Reads a command from the JSON tree of a task's data, strictly (unknown fields and wrong types are INVALID). */
    public static CommandRequest of(JsonNode tree) {
        for (Iterator<String> names = tree.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw LunpoolException.invalid("command field '" + name + "' is unknown; the fields are kind, shell,"
                        + " value, arguments and environment");
            }
        }
        JsonNode shell = tree.get("shell");
        if (shell != null && !shell.isNull() && !shell.isBoolean()) {
            throw LunpoolException.invalid("command field 'shell' must be true or false");
        }
        List<String> arguments = new ArrayList<>();
        JsonNode args = tree.get("arguments");
        if (args != null && !args.isNull()) {
            if (!args.isArray()) {
                throw LunpoolException.invalid("command field 'arguments' must be an array of strings");
            }
            for (JsonNode a : args) {
                if (!a.isTextual()) {
                    throw LunpoolException.invalid("command field 'arguments' must be an array of strings");
                }
                arguments.add(a.asText());
            }
        }
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode env = tree.get("environment");
        if (env != null && !env.isNull()) {
            if (!env.isObject()) {
                throw LunpoolException.invalid("command field 'environment' must be an object of strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw LunpoolException.invalid("command field 'environment' value of '" + e.getKey()
                            + "' must be a string");
                }
                environment.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode value = tree.get("value");
        if (value != null && !value.isNull() && !value.isTextual()) {
            throw LunpoolException.invalid("command field 'value' must be a string");
        }
        JsonNode kind = tree.get("kind");
        return new CommandRequest(kind == null || !kind.isTextual() ? null : kind.asText(),
                shell == null || shell.isNull() || shell.asBoolean(), value == null ? null : value.textValue(),
                arguments, environment).validate();
    }

    /** Reads a command from JSON bytes. */
    public static CommandRequest parse(byte[] json) {
        try {
            JsonNode tree = Json.mapper().readTree(json);
            if (tree == null || !tree.isObject()) {
                throw LunpoolException.invalid("a command must be a JSON object");
            }
            return of(tree);
        } catch (IOException e) {
            throw LunpoolException.invalid("a command is not valid JSON: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
    }
}
