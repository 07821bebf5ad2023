/**
 * The Mesos v1 HTTP executor API, the only package of the executor that uses the Mesos protobufs.
 * {@link io.lunpool.executor.mesos.MesosExecutor} is the entry point; the rest of the executor sees
 * {@code LaunchedTask}, {@code TaskPhase}, {@code TaskRunner} and {@code StatusReporter}.
 * <ul>
 *   <li>Deciding, without I/O, table-tested: {@code StoutDuration}, {@code ExecutorEnvironment},
 *       {@code ExecutorCalls} (calls, statuses with fresh uuids), {@code UpdateLedger} (what is unacknowledged,
 *       when the work is done).</li>
 *   <li>Doing: {@code AgentHttp} (POSTs to the agent), {@code AgentConnection} (the subscription loop and its
 *       epochs; RecordIO from core's {@code RecordIoDecoder}), {@code MesosExecutor} (events, reports, timers).</li>
 * </ul>
 */
package io.lunpool.executor.mesos;
