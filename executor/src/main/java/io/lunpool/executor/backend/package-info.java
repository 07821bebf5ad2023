/**
 * The local backend as the executor sees it: HTTP/1.1 on the backend's unix socket ({@code BackendCall}), its chore
 * endpoint and the Docker volume plugin protocol ({@code BackendClient}).
 */
package io.lunpool.executor.backend;
