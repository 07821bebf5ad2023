package io.lunpool.scheduler.mesos.fake;

/**
 * How the fake master knows an agent: REGISTERED (connected), RECOVERING (in the registry but not re-registered
 * since a master failover), UNREACHABLE (marked unreachable) or GONE (marked gone by an operator).
 */
public enum AgentRegistration { REGISTERED, RECOVERING, UNREACHABLE, GONE }
