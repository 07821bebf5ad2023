package io.lunpool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.app.docker.LocalProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One round over the REST API of a {@link SchedulerChild}: {@code clients} threads, each with a blocking
 * HTTP/1.1 request at a time, take volume numbers in turn and do {@code POST /v1/volumes} (expect 201) then
 * {@code DELETE /v1/volumes/{name}} (expect 204). Transactions come from the child's batcher gauge.
 */
final class RestMode {
    static final String NAME = "REST (HTTP/1.1, child process)";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final long ROUND_TIMEOUT_S = 600;

    private final LocalProcess target;
    private final int clients;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    RestMode(LocalProcess target, int clients) {
        this.target = target;
        this.clients = clients;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    RoundResult run(int volumes, int round) throws Exception {
        String pool = SchedulerChild.pool(round);
        Latencies latencies = new Latencies(2 * volumes);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(clients);
        long before = transactions();
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(workers.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < volumes; ) {
                        String name = "r" + round + "-v" + i;
                        long t0 = System.nanoTime();
                        boolean ok = send(post(name, pool), 201);
                        long t1 = System.nanoTime();
                        latencies.record(i, t1 - t0);
                        ok &= send(delete(name), 204);
                        latencies.record(volumes + i, System.nanoTime() - t1);
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(ROUND_TIMEOUT_S, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }
        long nanos = System.nanoTime() - start;
        long after = transactions();
        return RoundResult.of(NAME, round, 2 * volumes, nanos, latencies, before < 0 || after < 0 ? -1 : after - before,
                failures.get());
    }

    private HttpRequest post(String name, String pool) {
        return HttpRequest.newBuilder(URI.create(target.url() + "/v1/volumes")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"pool\":\"" + pool + "\"}"))
                .build();
    }

    private HttpRequest delete(String name) {
        return HttpRequest.newBuilder(URI.create(target.url() + "/v1/volumes/" + name)).timeout(REQUEST_TIMEOUT)
                .DELETE().build();
    }

    private boolean send(HttpRequest request, int expected) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                System.err.println(request.method() + " " + request.uri() + " -> " + r.statusCode() + " " + r.body());
                return false;
            }
            return true;
        } catch (IOException e) {
            System.err.println(request.method() + " " + request.uri() + " failed: " + e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The child's committed transactions so far (its {@code lunpool.batch.transactions} gauge), -1 if unknown. */
    long transactions() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(target.adminUrl() + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode v = json.readTree(r.body()).path("gauges").path("lunpool.batch.transactions").path("value");
            return v.isNumber() ? v.asLong() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
