package io.lunpool.scheduler.mesos.client;

import io.lunpool.core.recordio.RecordIoDecoder;
import io.lunpool.core.recordio.RecordIoFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription's life: one thread subscribes, reads the event stream until it ends, waits with backoff and
 * subscribes again. Each attempt is an epoch; events and call answers carry their epoch, and a disconnect asked
 * for an epoch that is over does nothing, so a late answer or event of an old stream never ends the new one.
 * The stream ends on EOF, a framing or decoding error, a watchdog expiry (no event for 5 heartbeat intervals),
 * or a disconnect asked by the event handler (ERROR) or a call (403, 307). A 401 stops the client for good.
 */
final class SchedulerConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerConnection.class);
    private static final int READ_BUFFER = 64 * 1024;
    static final long MAX_RECORD_BYTES = 64L << 20;

    enum State { DISCONNECTED, CONNECTING, SUBSCRIBED, FAILED, CLOSED }

    /** Receives what the connection reads; called on the subscription thread, in stream order. */
    interface Handler {
        /** The SUBSCRIBE call of the next attempt (framework id, suppressed roles as they are now). */
        Call subscribeCall();

        void event(long epoch, Event event);

        void ended(long epoch, String reason);

        void fatal(String reason);
    }

    /** A subscription the master confirmed: calls go to its master with its stream id. */
    record Session(long epoch, URI base, String streamId, String frameworkId) {
    }

    private record Stream(long epoch, URI base, String streamId, InputStream events, HeartbeatWatchdog watchdog) {
    }

    private final SchedulerHttp http;
    private final MesosCodec codec;
    private final MasterDetector detector;
    private final ReconnectBackoff backoff;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final AtomicLong epochs = new AtomicLong();
    private final Object lock = new Object();
    private Handler handler;
    private Thread loop;
    private ScheduledFuture<?> watchdogCheck;
    private volatile State state = State.DISCONNECTED;
    private volatile Stream stream;
    private volatile Session session;
    private volatile String endReason;
    private volatile long ending;
    private volatile boolean subscribedThisEpoch;
    private volatile boolean closed;

    SchedulerConnection(SchedulerHttp http, MesosCodec codec, MasterDetector detector, ReconnectBackoff backoff,
                        ScheduledExecutorService timer, Clock clock) {
        this.http = http;
        this.codec = codec;
        this.detector = detector;
        this.backoff = backoff;
        this.timer = timer;
        this.clock = clock;
    }

    void start(Handler h) {
        synchronized (lock) {
            if (loop != null) {
                throw new IllegalStateException("the connection is started already");
            }
            handler = h;
            loop = new Thread(this::run, "mesos-subscription");
            loop.setDaemon(true);
            loop.start();
            watchdogCheck = timer.scheduleWithFixedDelay(this::checkWatchdog, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    State state() {
        return state;
    }

    Optional<Session> session() {
        return Optional.ofNullable(session);
    }

    /** True while {@code epoch}'s stream is open and no one has asked to end it. */
    boolean live(long epoch) {
        Stream s = stream;
        return s != null && s.epoch() == epoch && ending != epoch && !closed;
    }

    /** The master confirmed the subscription of {@code epoch}; calls may go out now. */
    boolean subscribed(long epoch, String frameworkId) {
        synchronized (lock) {
            Stream s = stream;
            if (s == null || s.epoch() != epoch || ending == epoch || closed) {
                return false;
            }
            session = new Session(epoch, s.base(), s.streamId(), frameworkId);
            subscribedThisEpoch = true;
            state = State.SUBSCRIBED;
            return true;
        }
    }

    /** Ends the stream of {@code epoch}, if it is still the current one. */
    void disconnect(long epoch, String reason) {
        Stream s;
        synchronized (lock) {
            s = stream;
            if (s == null || s.epoch() != epoch) {
                LOG.debug("ignoring a disconnect of the old subscription {}: {}", epoch, reason);
                return;
            }
            if (endReason == null) {
                endReason = reason;
            }
            ending = epoch;
            session = null;
            if (state == State.SUBSCRIBED) {
                state = State.DISCONNECTED;
            }
        }
        LOG.info("ending the subscription to {}: {}", s.base(), reason);
        closeQuietly(s.events());
    }

    /** Sends a call on the current session; without one the call is dropped with an error. */
    CompletableFuture<SchedulerHttp.Answer> call(String what, Call call) {
        Session s = session;
        if (s == null) {
            return CompletableFuture.failedFuture(new MesosCallException(what + " dropped: not subscribed ("
                    + state + "); it is not queued", 0));
        }
        return http.call(s.base(), call, s.streamId()).handle((answer, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new MesosCallException(what + " got no answer from " + s.base() + ": " + cause, cause);
            }
            return interpret(what, s, answer);
        });
    }

    private SchedulerHttp.Answer interpret(String what, Session s, SchedulerHttp.Answer answer) {
        if (!answer.base().equals(s.base())) {
            detector.leaderSeen(answer.base());
            disconnect(s.epoch(), what + " was redirected to the leader " + answer.base());
        }
        switch (answer.status()) {
            case 200, 202 -> {
                return answer;
            }
            case 401 -> fatal(s.epoch(), what + " was refused with 401: the credentials are wrong (" + answer.body()
                    + ")");
            case 403 -> disconnect(s.epoch(), what + " answered 403: " + answer.body());
            case 307 -> disconnect(s.epoch(), what + " answered 307: " + answer.body());
            default -> {
            }
        }
        throw new MesosCallException(what + " answered " + answer.status() + ": " + answer.body().strip(),
                answer.status());
    }

    private void run() {
        int failures = 0;
        while (!closed) {
            long epoch = epochs.incrementAndGet();
            subscribedThisEpoch = false;
            endReason = null;
            state = State.CONNECTING;
            String reason = attempt(epoch);
            if (state == State.FAILED) {
                return;
            }
            synchronized (lock) {
                stream = null;
                session = null;
                state = closed ? State.CLOSED : State.DISCONNECTED;
            }
            handler.ended(epoch, reason);
            if (closed) {
                break;
            }
            failures = subscribedThisEpoch ? 0 : failures + 1;
            Duration wait = backoff.delay(subscribedThisEpoch ? 0 : failures - 1);
            LOG.info("subscription {} ended ({}); subscribing again in {} ms", epoch, reason, wait.toMillis());
            if (!pause(wait)) {
                break;
            }
        }
        state = State.CLOSED;
    }

    private String attempt(long epoch) {
        URI base = null;
        try {
            base = detector.master();
            SchedulerHttp.Subscription s = http.subscribe(base, handler.subscribeCall(), detector);
            if (s instanceof SchedulerHttp.Subscription.Refused r) {
                if (r.status() == 401) {
                    fatal(epoch, "SUBSCRIBE to " + r.base() + " was refused with 401: the principal or secret is"
                            + " wrong (" + r.body().strip() + ")");
                    return "unauthorized";
                }
                return "SUBSCRIBE to " + r.base() + " answered " + r.status() + ": " + r.body().strip();
            }
            SchedulerHttp.Subscription.Opened o = (SchedulerHttp.Subscription.Opened) s;
            synchronized (lock) {
                stream = new Stream(epoch, o.base(), o.streamId(), o.events(), new HeartbeatWatchdog(clock));
                if (closed) {
                    closeQuietly(o.events());
                }
            }
            return read(epoch, stream);
        } catch (MasterDetector.NoLeaderException e) {
            return e.getMessage();
        } catch (IOException e) {
            if (base != null) {
                detector.unreachable(base);
            }
            return "cannot subscribe at " + base + ": " + e;
        } catch (InterruptedException e) {
            return "interrupted";
        } catch (RuntimeException e) {
            LOG.error("subscription {} failed", epoch, e);
            return "subscription failed: " + e;
        }
    }

    private String read(long epoch, Stream s) {
        RecordIoDecoder decoder = new RecordIoDecoder(MAX_RECORD_BYTES);
        byte[] buffer = new byte[READ_BUFFER];
        try (InputStream in = s.events()) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                decoder.feed(buffer, 0, n, record -> deliver(epoch, s, record));
            }
            return endReason != null ? endReason : decoder.midRecord()
                    ? "the stream ended in the middle of a record" : "the master closed the stream";
        } catch (RecordIoFormatException e) {
            return "the stream broke its framing: " + e.getMessage();
        } catch (IOException | UncheckedIOException e) {
            return endReason != null ? endReason : "reading the stream failed: " + e;
        }
    }

    private void deliver(long epoch, Stream s, byte[] record) {
        Event event;
        try {
            event = codec.decode(record);
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("an event cannot be decoded: " + e.getMessage(), e));
        }
        s.watchdog().eventArrived();
        if (event.getType() == Event.Type.SUBSCRIBED && event.getSubscribed().hasHeartbeatIntervalSeconds()) {
            s.watchdog().interval(Duration.ofMillis(
                    Math.round(event.getSubscribed().getHeartbeatIntervalSeconds() * 1000)));
        }
        handler.event(epoch, event);
    }

    private void checkWatchdog() {
        Stream s = stream;
        if (s != null) {
            s.watchdog().expired().ifPresent(silence -> disconnect(s.epoch(), "no event for " + silence.toMillis()
                    + " ms, more than " + HeartbeatWatchdog.MISSES + " heartbeat intervals"));
        }
    }

    private void fatal(long epoch, String reason) {
        Stream s;
        synchronized (lock) {
            if (state == State.FAILED || closed) {
                return;
            }
            state = State.FAILED;
            closed = true;
            session = null;
            s = stream;
            lock.notifyAll();
        }
        LOG.error("the Mesos client stops: {}", reason);
        if (s != null) {
            closeQuietly(s.events());
        }
        handler.fatal(reason);
    }

    private boolean pause(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            while (!closed) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        Stream s;
        Thread t;
        synchronized (lock) {
            closed = true;
            session = null;
            s = stream;
            t = loop;
            lock.notifyAll();
            if (watchdogCheck != null) {
                watchdogCheck.cancel(false);
            }
        }
        if (s != null) {
            closeQuietly(s.events());
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (state != State.FAILED) {
            state = State.CLOSED;
        }
        detector.close();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing the event stream failed", e);
        }
    }
}
