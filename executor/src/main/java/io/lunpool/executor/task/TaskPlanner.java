package io.lunpool.executor.task;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.api.ChoreRequest;
import io.lunpool.core.api.CommandRequest;
import io.lunpool.executor.mesos.LaunchedTask;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a launched task is, without I/O. Its data is JSON with a {@code kind}: {@code prepare} or
 * {@code wipe} make it a chore ({@link ChoreRequest}), {@code command} a command ({@link CommandRequest}). A
 * command's volumes are named by the task's labels, indexed from 0:
 *
 * <pre>
 * lunpool.volume.0.name           = pg-data      (required for each index)
 * lunpool.volume.0.containerPath  = data         (optional: a link in the sandbox to the mount point)
 * lunpool.volume.0.option.size    = 1G           (any number: Create's options when the volume is missing)
 * </pre>
 *
 * Other labels under {@code lunpool.} are refused, naming them; labels outside it are left alone. Whatever is wrong
 * makes the task {@link TaskPlan.Invalid} with a message that names the field or label.
 */
final class TaskPlanner {
    static final String PREFIX = "lunpool.";
    static final int MAX_VOLUMES = 64;
    private static final Pattern VOLUME_LABEL = Pattern.compile("lunpool\\.volume\\.(0|[1-9][0-9]?)\\."
            + "(name|containerPath|option\\.([A-Za-z][A-Za-z0-9_.-]{0,63}))");

    private TaskPlanner() {
    }

    static TaskPlan plan(LaunchedTask task) {
        try {
            List<TaskVolume> volumes = volumes(task.labels());
            if (task.data().length == 0) {
                throw LunpoolException.invalid("the task carries no data; a lunpool task's data is a chore"
                        + " ({\"kind\": \"prepare\"|\"wipe\", ...}) or a command ({\"kind\": \"command\", ...})");
            }
            if (task.data().length > ChoreRequest.MAX_JSON_BYTES) {
                throw LunpoolException.invalid("the task's data is " + task.data().length + " bytes; at most "
                        + ChoreRequest.MAX_JSON_BYTES + " are allowed");
            }
            JsonNode tree = tree(task.data());
            JsonNode kind = tree.get("kind");
            String k = kind == null || !kind.isTextual() ? "" : kind.asText();
            switch (k) {
                case "prepare", "wipe" -> {
                    if (!volumes.isEmpty()) {
                        throw LunpoolException.invalid("a " + k + " chore takes no volumes, but the task's labels name "
                                + volumes.size());
                    }
                    return new TaskPlan.Chore(ChoreRequest.parse(task.data()));
                }
                case CommandRequest.KIND -> {
                    return new TaskPlan.Command(CommandRequest.of(tree), volumes);
                }
                default -> throw LunpoolException.invalid("the task's data has the kind '" + k + "'; it must be"
                        + " prepare, wipe or command");
            }
        } catch (LunpoolException e) {
            return new TaskPlan.Invalid(e.getMessage());
        }
    }

    private static JsonNode tree(byte[] data) {
        try {
            JsonNode tree = Json.mapper().readTree(data);
            if (tree == null || !tree.isObject()) {
                throw LunpoolException.invalid("the task's data must be a JSON object");
            }
            return tree;
        } catch (IOException e) {
            throw LunpoolException.invalid("the task's data is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The volumes the labels name, by index. */
    static List<TaskVolume> volumes(Map<String, String> labels) {
        Map<Integer, String> names = new TreeMap<>();
        Map<Integer, String> paths = new TreeMap<>();
        Map<Integer, Map<String, String>> options = new TreeMap<>();
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            String key = label.getKey();
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            Matcher m = VOLUME_LABEL.matcher(key);
            if (!m.matches()) {
                throw LunpoolException.invalid("label '" + key + "' is unknown; lunpool reads"
                        + " lunpool.volume.<0-" + (MAX_VOLUMES - 1) + ">.name, .containerPath and .option.<key>");
            }
            int index = Integer.parseInt(m.group(1));
            if (index >= MAX_VOLUMES) {
                throw LunpoolException.invalid("label '" + key + "': at most " + MAX_VOLUMES + " volumes per task");
            }
            String value = label.getValue();
            if (m.group(2).equals("name")) {
                names.put(index, value);
            } else if (m.group(2).equals("containerPath")) {
                paths.put(index, value);
            } else {
                options.computeIfAbsent(index, i -> new TreeMap<>()).put(m.group(3), value);
            }
        }
        Set<Integer> indexes = new HashSet<>(paths.keySet());
        indexes.addAll(options.keySet());
        indexes.removeAll(names.keySet());
        if (!indexes.isEmpty()) {
            int i = indexes.iterator().next();
            throw LunpoolException.invalid("label 'lunpool.volume." + i + ".name' is missing; volume " + i
                    + " has other labels but no name");
        }
        List<TaskVolume> out = new ArrayList<>();
        Set<String> seenNames = new HashSet<>();
        Set<String> seenPaths = new HashSet<>();
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            int i = e.getKey();
            String name;
            try {
                name = Names.volume(e.getValue());
            } catch (LunpoolException bad) {
                throw LunpoolException.invalid("label 'lunpool.volume." + i + ".name': " + bad.getMessage());
            }
            if (!seenNames.add(name)) {
                throw LunpoolException.invalid("volume " + name + " is named twice in the task's labels");
            }
            Optional<String> path = Optional.ofNullable(paths.get(i)).map(p -> containerPath(i, p));
            if (path.isPresent() && !seenPaths.add(path.get())) {
                throw LunpoolException.invalid("container path " + path.get() + " is given to two volumes");
            }
            out.add(new TaskVolume(i, name, path, options.getOrDefault(i, Map.of())));
        }
        return out;
    }

    /** A relative path inside the sandbox: no leading '/', no '..', no empty or '.' segment, no control character. */
    private static String containerPath(int index, String path) {
        String label = "label 'lunpool.volume." + index + ".containerPath'";
        if (path.isEmpty() || path.length() > 1024 || path.chars().anyMatch(Character::isISOControl)) {
            throw LunpoolException.invalid(label + " must be 1 to 1024 characters without control characters");
        }
        if (path.startsWith("/")) {
            throw LunpoolException.invalid(label + " '" + path + "' must be relative: the volume is linked into the"
                    + " task's sandbox");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw LunpoolException.invalid(label + " '" + path + "' holds an empty, '.' or '..' segment");
            }
        }
        return Path.of(path).normalize().toString();
    }
}
