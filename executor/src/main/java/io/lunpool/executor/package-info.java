/**
 * The lunpool Mesos executor: {@link io.lunpool.executor.LunpoolExecutor} wires the executor API
 * ({@code mesos}), the tasks it runs ({@code task}) and the local backend ({@code backend}). Inside the module
 * {@code mesos} and {@code backend} are at the bottom, {@code task} above them and this package on top.
 */
package io.lunpool.executor;
