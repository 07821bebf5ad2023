package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** One lock per volume name, created on demand and dropped when nobody holds or waits for it. */
final class VolumeLocks {
    private final Map<String, Entry> locks = new HashMap<>();

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    Held lock(String name, Duration wait) {
        Entry e;
        synchronized (this) {
            e = locks.computeIfAbsent(name, k -> new Entry());
            e.users++;
        }
        boolean locked = false;
        try {
            locked = e.lock.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            if (!locked) {
                leave(name, e);
            }
        }
        if (!locked) {
            throw LunpoolException.transientError("volume " + name + " is busy with another operation for more than "
                    + wait + "; try again", null);
        }
        return () -> {
            e.lock.unlock();
            leave(name, e);
        };
    }

    synchronized int size() {
        return locks.size();
    }

    private synchronized void leave(String name, Entry e) {
        if (--e.users == 0) {
            locks.remove(name, e);
        }
    }
}
