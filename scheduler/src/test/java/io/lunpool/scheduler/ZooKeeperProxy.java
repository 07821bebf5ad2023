package io.lunpool.scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.zookeeper.ZooDefs;

/**
 * A TCP proxy between ZooKeeper clients and one ZooKeeper server, for fault tests: point the clients at
 * {@link #connectString()}. One NIO selector thread forwards bytes both ways and reads the ZooKeeper framing
 * (length-prefixed packets: the connect request and response first, then request headers {@code xid, type}
 * and reply headers {@code xid, zxid, err}), so a test can, at the moment it chooses:
 * <ul>
 *   <li>{@link #cutAll()}: close every connection (the clients reconnect through the proxy at once);</li>
 *   <li>{@link #blackHole()}: accept and read, never forward, until {@link #heal()}: the clients see a
 *       server that stopped answering;</li>
 *   <li>{@link #applyThenLose}: forward the next request of a type whose body holds a given text, wait for
 *       ZooKeeper's answer, drop it and cut that connection: the request applied, the client never hears so;</li>
 *   <li>{@link #loseBeforeApply}: drop the next such request and cut its connection: it never reached ZooKeeper.</li>
 * </ul>
 */
public final class ZooKeeperProxy implements AutoCloseable {
    /** ZooKeeper's request type of a multi-op transaction. */
    public static final int MULTI = ZooDefs.OpCode.multi;

    private final InetSocketAddress upstream;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread loop;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Pair> pairs = new HashSet<>();
    private boolean blackHoled;
    private Trigger trigger;
    private volatile boolean closed;

    /** Listens on a free loopback port and forwards to {@code upstream} ({@code host:port}). */
    public ZooKeeperProxy(String upstream) {
        int colon = upstream.lastIndexOf(':');
        this.upstream = new InetSocketAddress(upstream.substring(0, colon), Integer.parseInt(upstream.substring(colon + 1)));
        try {
            this.selector = Selector.open();
            this.listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the proxy's listening socket", e);
        }
        this.loop = new Thread(this::run, "zookeeper-proxy-" + port());
        loop.setDaemon(true);
        loop.start();
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    /** What the clients connect to. */
    public String connectString() {
        return "127.0.0.1:" + port();
    }

    /** Closes every connection now; new ones are forwarded as usual. */
    public void cutAll() {
        onLoop(() -> {
            new ArrayList<>(pairs).forEach(this::cut);
            return null;
        });
    }

    /** From now on reads everything and forwards nothing, on the connections open now and on new ones. */
    public void blackHole() {
        onLoop(() -> {
            startBlackHole();
            return null;
        });
    }

    /** Forwards again; the connections that lost bytes to the black hole are cut, so their clients reconnect. */
    public void heal() {
        onLoop(() -> {
            blackHoled = false;
            new ArrayList<>(pairs).stream().filter(p -> p.holed).forEach(this::cut);
            return null;
        });
    }

    /**
     * Arms "apply, then lose the answer" for the next request of {@code type} (e.g. {@link #MULTI}) whose body
     * holds {@code text} (a path, say): it is forwarded, ZooKeeper's reply to it is dropped and its connection
     * cut; with {@code thenBlackHole} the proxy then black-holes until {@link #heal()}. The future completes when
     * it has happened.
     */
    public CompletableFuture<Void> applyThenLose(int type, String text, boolean thenBlackHole) {
        return arm(new Trigger(type, text, true, thenBlackHole));
    }

    /** As {@link #applyThenLose}, but the request is dropped before ZooKeeper sees it. */
    public CompletableFuture<Void> loseBeforeApply(int type, String text, boolean thenBlackHole) {
        return arm(new Trigger(type, text, false, thenBlackHole));
    }

    /** Connections open now. */
    public int connections() {
        return onLoop(pairs::size);
    }

    private CompletableFuture<Void> arm(Trigger t) {
        onLoop(() -> {
            if (trigger != null) {
                throw new IllegalStateException("a fault is armed already");
            }
            trigger = t;
            return null;
        });
        return t.fired;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pair p : pairs) {
            p.close();
        }
        try {
            listener.close();
            selector.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T onLoop(Supplier<T> task) {
        CompletableFuture<T> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                done.complete(task.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        try {
            return done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the proxy did not carry out the command", e);
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(200);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    handle(key);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                throw new IllegalStateException("the proxy's selector failed", e);
            }
        }
    }

    private void handle(SelectionKey key) throws IOException {
        if (!key.isValid()) {
            return;
        }
        if (key.isAcceptable()) {
            accept();
            return;
        }
        Side side = (Side) key.attachment();
        try {
            if (key.isConnectable()) {
                side.channel.finishConnect();
                side.interest();
            }
            if (key.isValid() && key.isReadable()) {
                read(side);
            }
            if (key.isValid() && key.isWritable()) {
                side.flush();
            }
        } catch (IOException e) {
            cut(side.pair);
        }
    }

    private void accept() throws IOException {
        SocketChannel client = listener.accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        Pair pair = new Pair();
        pair.client = new Side(pair, client, true);
        pair.holed = blackHoled;
        if (!blackHoled) {
            SocketChannel server = SocketChannel.open();
            server.configureBlocking(false);
            server.connect(upstream);
            pair.server = new Side(pair, server, false);
            pair.server.register(SelectionKey.OP_CONNECT);
        }
        pair.client.register(SelectionKey.OP_READ);
        pairs.add(pair);
    }

    private void read(Side side) throws IOException {
        side.ensureRoom();
        int n = side.channel.read(side.in);
        if (n < 0) {
            cut(side.pair);
            return;
        }
        if (blackHoled || side.pair.server == null) {
            side.in.clear(); // read, never forwarded
            return;
        }
        side.in.flip();
        while (side.in.remaining() >= 4 && !side.pair.closed) {
            int length = side.in.getInt(side.in.position());
            if (side.in.remaining() < 4 + length) {
                side.ensureFrame(4 + length);
                break;
            }
            byte[] frame = new byte[4 + length];
            side.in.get(frame);
            if (pass(side, ByteBuffer.wrap(frame))) {
                side.peer().send(frame);
            }
        }
        if (!side.pair.closed) {
            side.in.compact();
        }
    }

    /** Decides one whole frame: forward it (true), or not (a fault fired). */
    private boolean pass(Side side, ByteBuffer frame) {
        if (side.first) {
            side.first = false; // the connect request or response, which has no header
            return true;
        }
        Trigger t = trigger;
        if (t == null) {
            return true;
        }
        int xid = frame.getInt(4);
        if (side.fromClient && t.pair == null && frame.getInt(8) == t.type && contains(frame.array(), t.text)) {
            if (!t.applyFirst) {
                fire(t, side.pair);
                return false;
            }
            t.pair = side.pair;
            t.xid = xid;
            return true;
        }
        if (!side.fromClient && t.pair == side.pair && xid == t.xid) {
            fire(t, side.pair); // ZooKeeper has applied it and answered: the answer is lost
            return false;
        }
        return true;
    }

    private void fire(Trigger t, Pair pair) {
        trigger = null;
        cut(pair);
        if (t.thenBlackHole) {
            startBlackHole();
        }
        t.fired.complete(null);
    }

    private void startBlackHole() {
        blackHoled = true;
        pairs.forEach(p -> p.holed = true);
    }

    private void cut(Pair pair) {
        pair.close();
        pairs.remove(pair);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static final class Trigger {
        final int type;
        final byte[] text;
        final boolean applyFirst;
        final boolean thenBlackHole;
        final CompletableFuture<Void> fired = new CompletableFuture<>();
        Pair pair;
        int xid;

        Trigger(int type, String text, boolean applyFirst, boolean thenBlackHole) {
            this.type = type;
            this.text = text.getBytes(StandardCharsets.UTF_8);
            this.applyFirst = applyFirst;
            this.thenBlackHole = thenBlackHole;
        }
    }

    /** One client connection and its connection to ZooKeeper (none when accepted into the black hole). */
    private static final class Pair {
        Side client;
        Side server;
        boolean holed;
        boolean closed;

        void close() {
            closed = true;
            for (Side s : new Side[] {client, server}) {
                if (s != null) {
                    try {
                        s.channel.close();
                    } catch (IOException e) {
                        // closed either way
                    }
                }
            }
        }
    }

    /** One socket: what was read from it and not yet framed, and what waits to be written to it. */
    private final class Side {
        final Pair pair;
        final SocketChannel channel;
        final boolean fromClient;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        boolean first = true;
        SelectionKey key;

        Side(Pair pair, SocketChannel channel, boolean fromClient) {
            this.pair = pair;
            this.channel = channel;
            this.fromClient = fromClient;
        }

        Side peer() {
            return fromClient ? pair.server : pair.client;
        }

        void register(int ops) throws IOException {
            key = channel.register(selector, ops, this);
        }

        void ensureRoom() {
            if (!in.hasRemaining()) {
                in = grow(in, in.capacity() * 2);
            }
        }

        /** Makes room for a whole frame of {@code size} bytes (the buffer is in read mode). */
        void ensureFrame(int size) {
            if (in.capacity() < size) {
                ByteBuffer bigger = ByteBuffer.allocate(size);
                bigger.put(in);
                bigger.flip();
                in = bigger;
            }
        }

        void send(byte[] frame) throws IOException {
            if (out.remaining() < frame.length) {
                out = grow(out, Math.max(out.capacity() * 2, out.position() + frame.length));
            }
            out.put(frame);
            if (channel.isConnected()) {
                flush();
            }
        }

        void flush() throws IOException {
            out.flip();
            channel.write(out);
            out.compact();
            interest();
        }

        void interest() {
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_READ | (out.position() > 0 ? SelectionKey.OP_WRITE : 0));
            }
        }

        private ByteBuffer grow(ByteBuffer b, int capacity) {
            ByteBuffer bigger = ByteBuffer.allocate(capacity);
            b.flip();
            bigger.put(b);
            return bigger;
        }
    }
}
