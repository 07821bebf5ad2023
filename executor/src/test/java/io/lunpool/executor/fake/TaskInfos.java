package io.lunpool.executor.fake;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;

/** TaskInfos and ExecutorInfos as a scheduler launches them on the fake agent. */
public final class TaskInfos {
    private TaskInfos() {
    }

    /** A custom executor running {@code shellCommand} with {@code environment} added. */
    public static ExecutorInfo executor(String executorId, String shellCommand, Map<String, String> environment) {
        Environment.Builder env = Environment.newBuilder();
        new TreeMap<>(environment).forEach((k, v) -> env.addVariables(Environment.Variable.newBuilder()
                .setName(k).setValue(v)));
        return ExecutorInfo.newBuilder().setType(ExecutorInfo.Type.CUSTOM)
                .setExecutorId(ExecutorID.newBuilder().setValue(executorId)).setName("lunpool")
                .setCommand(CommandInfo.newBuilder().setShell(true).setValue(shellCommand).setEnvironment(env))
                .build();
    }

    /**
     * The lunpool executor from the product jar ({@code java -jar <jar> executor}), as the scheduler launches it;
     * {@code environment} may name the backend socket ({@code LUNPOOL_BACKEND_SOCKET}) and the exit timeout.
     */
    public static ExecutorInfo lunpoolExecutor(String executorId, Path jar, Map<String, String> environment) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return executor(executorId, "exec " + java + " -Xmx96m -XX:TieredStopAtLevel=1"
                + " -Dcom.google.protobuf.use_unsafe_pre22_gencode=true -jar " + jar + " executor", environment);
    }

    /** The executor with an ExecutorInfo shutdown grace period, which overrides the agent's. */
    public static ExecutorInfo withShutdownGrace(ExecutorInfo executor, Duration grace) {
        return executor.toBuilder().setShutdownGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace.toNanos()))
                .build();
    }

    public static TaskInfo task(String taskId, ExecutorInfo executor, byte[] data, Map<String, String> labels) {
        Labels.Builder l = Labels.newBuilder();
        new TreeMap<>(labels).forEach((k, v) -> l.addLabels(Label.newBuilder().setKey(k).setValue(v)));
        return TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
                .setAgentId(AgentID.newBuilder().setValue("to-be-set-by-the-agent"))
                .setExecutor(executor).setData(ByteString.copyFrom(data)).setLabels(l).build();
    }

    /** The task with a kill policy grace period. */
    public static TaskInfo withKillGrace(TaskInfo task, Duration grace) {
        return task.toBuilder().setKillPolicy(KillPolicy.newBuilder()
                .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace.toNanos()))).build();
    }
}
