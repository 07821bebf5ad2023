/**
 * The backend's chore endpoint: the executor on this host asks the backend to prepare or wipe a LUN
 * ({@code POST /Chores.Prepare}, {@code POST /Chores.Wipe} on the plugin's unix socket), and the backend does it
 * with its host layer, one chore at a time per LUN and never on a LUN its volumes hold. It sits between the host
 * layer and the plugin, which wires it and guards the LUNs.
 */
package io.lunpool.backend.chores;
