/**
 * A Mesos v1 HTTP scheduler client. {@link io.lunpool.scheduler.mesos.client.MesosSchedulerClient} is the entry
 * point; its API speaks this package's records ({@code MesosOffer}, {@code TaskUpdate}, {@code OfferOperation},
 * …) and the Mesos protobufs never leave the package.
 * <ul>
 *   <li>Deciding, without I/O, table-tested: {@code ReconnectBackoff},
 *       {@code HeartbeatWatchdog}, {@code OfferLedger} (each offer answered once, never after a rescind, one
 *       agent per ACCEPT), {@code ReviveThrottle}, {@code ReconcileRun}, {@code MasterLocation} and
 *       {@code MasterInfoNodes} (where the leader is), {@code SchedulerCalls} (calls and operations).</li>
 *   <li>Doing: {@code SchedulerHttp} (requests, redirects, 503 retries), {@code SchedulerConnection} (the
 *       subscription loop and its epochs), {@code EventDispatcher} (events in order, framework id, acks),
 *       {@code TaskReconciler}, {@code ZkMasterDetector}.</li>
 * </ul>
 * The RecordIO framing of the event stream is core's {@code io.lunpool.core.recordio.RecordIoDecoder}, shared
 * with the executor.
 */
package io.lunpool.scheduler.mesos.client;
