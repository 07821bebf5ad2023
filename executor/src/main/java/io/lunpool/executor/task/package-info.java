/**
 * What the lunpool executor runs. {@code TaskPlanner} (pure) reads a launched task's data and labels into a chore, a
 * command with its volumes, or a reason it cannot run; {@code ChoreRun} asks the backend's chore endpoint to do a
 * chore; {@code CommandRun} mounts a command's volumes through the backend's plugin protocol, runs the command in a
 * session of its own ({@code CommandProcess}) and unmounts them when it ends.
 */
package io.lunpool.executor.task;
