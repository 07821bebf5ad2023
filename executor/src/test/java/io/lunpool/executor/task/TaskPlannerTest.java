package io.lunpool.executor.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.api.ChoreRequest;
import io.lunpool.core.api.CommandRequest;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.executor.mesos.LaunchedTask;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaskPlannerTest {
    private static final String COMMAND = "{\"kind\":\"command\",\"value\":\"true\"}";

    private static LaunchedTask task(String data, Map<String, String> labels) {
        return new LaunchedTask("t1", "t1", data.getBytes(StandardCharsets.UTF_8), labels, Optional.empty());
    }

    @Test
    void aChoreTasksDataIsAChoreRequest() {
        ChoreRequest wipe = ChoreRequest.wipe(new LunTarget("naa.6001", "/a/b.img"));
        ChoreRequest prepare = ChoreRequest.prepare(new LunTarget("naa.6001", ""), FsType.EXT4, List.of());

        assertThat(TaskPlanner.plan(task(new String(wipe.toJson(), StandardCharsets.UTF_8), Map.of())))
                .isEqualTo(new TaskPlan.Chore(wipe));
        assertThat(TaskPlanner.plan(task(new String(prepare.toJson(), StandardCharsets.UTF_8),
                Map.of("marathon.app", "x")))).isEqualTo(new TaskPlan.Chore(prepare));
    }

    @Test
    void aCommandTaskGetsTheVolumesItsLabelsNameInIndexOrder() {
        TaskPlan plan = TaskPlanner.plan(task(COMMAND, Map.of(
                "lunpool.volume.1.name", "logs",
                "lunpool.volume.0.name", "pg-data",
                "lunpool.volume.0.containerPath", "data/pg",
                "lunpool.volume.0.option.size", "64M",
                "lunpool.volume.0.option.pool", "small",
                "DCOS_SPACE", "/prod")));

        assertThat(plan).isEqualTo(new TaskPlan.Command(CommandRequest.shell("true", Map.of()), List.of(
                new TaskVolume(0, "pg-data", Optional.of("data/pg"), Map.of("size", "64M", "pool", "small")),
                new TaskVolume(1, "logs", Optional.empty(), Map.of()))));
    }

    static Stream<Arguments> invalidTasks() {
        return Stream.of(
                Arguments.of("", Map.of(), "carries no data"),
                Arguments.of("not json", Map.of(), "not valid JSON"),
                Arguments.of("[]", Map.of(), "must be a JSON object"),
                Arguments.of("{\"kind\":\"serve\"}", Map.of(), "kind 'serve'"),
                Arguments.of("{\"kind\":\"wipe\",\"wwn\":\"naa.1\"}", Map.of("lunpool.volume.0.name", "v1"),
                        "a wipe chore takes no volumes"),
                Arguments.of("{\"kind\":\"wipe\"}", Map.of(), "'wwn' is missing"),
                Arguments.of("{\"kind\":\"command\"}", Map.of(), "'value' is missing"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.nmae", "v1"), "label 'lunpool.volume.0.nmae' is unknown"),
                Arguments.of(COMMAND, Map.of("lunpool.volumes", "v1"), "label 'lunpool.volumes' is unknown"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.64.name", "v1"), "at most 64 volumes"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.containerPath", "d"), "'lunpool.volume.0.name' is missing"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.name", "../x"), "contains a path separator"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.name", "aa", "lunpool.volume.1.name", "aa"),
                        "is named twice"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.name", "v1", "lunpool.volume.0.containerPath", "/data"),
                        "must be relative"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.name", "v1", "lunpool.volume.0.containerPath", "a/../b"),
                        "'..' segment"),
                Arguments.of(COMMAND, Map.of("lunpool.volume.0.name", "v1", "lunpool.volume.1.name", "v2",
                        "lunpool.volume.0.containerPath", "d", "lunpool.volume.1.containerPath", "d"),
                        "is given to two volumes"));
    }

    @ParameterizedTest
    @MethodSource("invalidTasks")
    void whatCannotRunIsInvalidNamingTheFieldOrLabel(String data, Map<String, String> labels, String message) {
        assertThat(TaskPlanner.plan(task(data, labels))).isInstanceOfSatisfying(TaskPlan.Invalid.class,
                i -> assertThat(i.reason()).contains(message));
    }
}
