/**
 * The control plane, in layers; a class imports only from its own layer or those below it.
 * <ol>
 *   <li>{@code store}, {@code zk}, {@code array}: ZooKeeper records and transactions, the Curator client and
 *       the embedded server, the loop-file storage array.</li>
 *   <li>{@code state}: the leader's in-memory copy of the records ({@code Inventory}) and the views built from them.</li>
 *   <li>{@code batch}: the single writer: {@code BatchQueue} hands out batches, {@code BatchPlanner} decides them,
 *       {@code Batcher} maps, commits, applies and answers, {@code TermCommitter} commits behind the term's fence
 *       and marker and finds out what became of a commit whose answer was lost, {@code ArrayEffects} runs the
 *       array calls.</li>
 *   <li>{@code pool}: {@code PoolPlanner} decides refills and retirements, {@code PoolMaintainer} carries them out.</li>
 *   <li>{@code leader}: election ({@code Leadership}, with {@code InstanceLock} proving a dead predecessor's
 *       election node) and what runs while leading ({@code TermStarter} builds a {@code LeaderTerm}).</li>
 *   <li>this package: the front ({@code ControlPlane}), which checks input through {@code RequestTranslator},
 *       submits writes to the term's batcher and answers reads through {@code StateReader}.</li>
 *   <li>{@code rest}, {@code admin}: the adapters, each registering its own pieces with Dropwizard.</li>
 * </ol>
 */
package io.lunpool.scheduler;
