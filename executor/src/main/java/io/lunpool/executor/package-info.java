/** The Mesos v1 HTTP executor. Empty until its issue: nothing here pretends to work. */
package io.lunpool.executor;
