package io.lunpool.executor.mesos;

import io.lunpool.core.recordio.RecordIoDecoder;
import io.lunpool.core.recordio.RecordIoFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription's life: one thread sends SUBSCRIBE, reads the event stream until it ends, waits as the handler
 * says and subscribes again, until it is closed. Each attempt is an epoch; what the handler hears carries it, so a
 * late event of an ended stream is recognised. The stream ends on EOF, a framing or decoding error, or
 * {@link #disconnect} of its epoch.
 */
final class AgentConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentConnection.class);
    private static final long MAX_RECORD_BYTES = 64L << 20;

    /** Receives what the connection reads, on the connection's thread, in stream order. */
    interface Handler {
        /** The SUBSCRIBE call of attempt {@code epoch}, with what is unacknowledged now. */
        Call subscribeCall(long epoch);

        void event(long epoch, Event event);

        void ended(long epoch, String reason);

        /** How long to wait before the next attempt; empty to stop trying. */
        Optional<Duration> retryDelay();
    }

    private final AgentHttp http;
    private final Object lock = new Object();
    private Thread loop;
    private long epoch;
    private InputStream stream;
    private long streamEpoch;
    private volatile boolean closed;

    AgentConnection(AgentHttp http) {
        this.http = http;
    }

    void start(Handler handler) {
        synchronized (lock) {
            loop = new Thread(() -> run(handler), "mesos-executor-subscription");
            loop.setDaemon(true);
            loop.start();
        }
    }

    /** Ends the stream of {@code epoch} if it is still the open one; the loop then subscribes again. */
    void disconnect(long of) {
        InputStream s;
        synchronized (lock) {
            s = streamEpoch == of ? stream : null;
        }
        closeQuietly(s);
    }

    private void run(Handler handler) {
        while (!closed) {
            long current;
            synchronized (lock) {
                current = ++epoch;
            }
            String reason = attempt(current, handler);
            synchronized (lock) {
                stream = null;
            }
            if (closed) {
                break;
            }
            handler.ended(current, reason);
            Optional<Duration> wait = handler.retryDelay();
            if (wait.isEmpty() || !pause(wait.get())) {
                break;
            }
        }
    }

    private String attempt(long current, Handler handler) {
        try {
            AgentHttp.Subscription s = http.subscribe(handler.subscribeCall(current));
            if (s instanceof AgentHttp.Subscription.Refused r) {
                return "SUBSCRIBE answered " + r.status() + ": " + r.body();
            }
            InputStream events = ((AgentHttp.Subscription.Opened) s).events();
            synchronized (lock) {
                stream = events;
                streamEpoch = current;
            }
            if (closed) {
                closeQuietly(events);
            }
            return read(current, events, handler);
        } catch (IOException e) {
            return "cannot reach the agent at " + http.api() + ": " + e;
        } catch (InterruptedException e) {
            return "interrupted";
        } catch (RuntimeException e) {
            LOG.error("subscription {} failed", current, e);
            return "the subscription failed: " + e;
        }
    }

    private static String read(long current, InputStream events, Handler handler) {
        RecordIoDecoder decoder = new RecordIoDecoder(MAX_RECORD_BYTES);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = events) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                decoder.feed(buffer, 0, n, record -> {
                    try {
                        handler.event(current, Event.parseFrom(record));
                    } catch (IOException e) {
                        throw new UncheckedIOException(new IOException("an event cannot be decoded: " + e.getMessage(),
                                e));
                    }
                });
            }
            return decoder.midRecord() ? "the stream ended in the middle of a record" : "the agent closed the stream";
        } catch (RecordIoFormatException e) {
            return "the stream broke its framing: " + e.getMessage();
        } catch (IOException | UncheckedIOException e) {
            return "reading the stream failed: " + e;
        }
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
        InputStream s;
        synchronized (lock) {
            closed = true;
            s = stream;
            lock.notifyAll();
        }
        closeQuietly(s);
    }

    private static void closeQuietly(InputStream in) {
        if (in == null) {
            return;
        }
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing the event stream failed", e);
        }
    }
}
