package io.loomchat.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the sockets of plaintext connections whose reader has ended while idle, and starts a
 * reader again when bytes arrive, or when a frame must be written (a socket is blocking again
 * before anything is written to it).
 *
 * <p>Why: a virtual thread parked in a read keeps its frames on the heap, two stack chunks of
 * about 1.4 KB together, plus the thread itself; with 20,000 idle clients that is a tenth of the
 * server's memory (loadtest/results/2026-12-07-idle-memory.md). A connection that has gone quiet
 * instead registers its channel here, with one selector on one platform thread, and holds no
 * thread and no read buffer until it is needed. Chatty connections never come here: a reader
 * falls asleep only after a long wait ({@link Connection}), so the hot path pays nothing but a
 * check.
 *
 * <p>Every change of registration happens on this class's thread, in the order asked: a sleeping
 * reader's channel is registered, and a wake (bytes, a writer, a close) cancels the key and, once
 * the selector has let go of the channel, hands the connection back to
 * {@link Connection#wakeUp} there. A wake that arrives before the sleep it answers (a writer
 * quicker than the reader's registration) is kept and applied to it.
 */
final class DormantReaders implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DormantReaders.class);

    private enum Kind { SLEEP, WAKE }

    private record Request(Connection connection, Kind kind) {
    }

    private final Selector selector;
    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final AtomicInteger asleep = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;

    private DormantReaders(String threadName) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().name(threadName).daemon().unstarted(this);
    }

    static DormantReaders start(String threadName) throws IOException {
        DormantReaders readers = new DormantReaders(threadName);
        readers.thread.start();
        return readers;
    }

    /** The connection's reader has ended with its channel non-blocking: watch it. */
    void sleep(Connection connection) {
        requests.add(new Request(connection, Kind.SLEEP));
        selector.wakeup();
    }

    /** Give the connection a reader and a blocking channel again, if it is asleep. */
    void wake(Connection connection) {
        requests.add(new Request(connection, Kind.WAKE));
        selector.wakeup();
    }

    /** False once stopping: a reader then stays awake rather than sleep where no one watches. */
    boolean accepting() {
        return !stopped;
    }

    /** Connections whose reader is asleep now. */
    int asleep() {
        return asleep.get();
    }

    @Override
    public void run() {
        List<Connection> waking = new ArrayList<>();
        while (!stopped) {
            try {
                selector.select();
            } catch (IOException | RuntimeException e) {
                LOG.error("the selector of sleeping readers failed; they are woken and stay awake", e);
                stopped = true;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                startWaking((Connection) key.attachment(), waking);
            }
            selector.selectedKeys().clear();
            Request request;
            while ((request = requests.poll()) != null) {
                if (request.kind() == Kind.SLEEP) {
                    watch(request.connection(), waking);
                } else {
                    startWaking(request.connection(), waking);
                }
            }
            if (stopped) {
                selector.keys().forEach(key -> startWaking((Connection) key.attachment(), waking));
            }
            if (!waking.isEmpty()) {
                try {
                    // Cancelled keys let go of their channels at the next selection: only then
                    // may a channel be made blocking again.
                    selector.selectNow();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("flushing cancelled keys failed", e);
                }
                for (Connection connection : waking) {
                    connection.sleepState = Connection.WATCH_NONE;
                    asleep.decrementAndGet();
                    connection.wakeUp();
                }
                waking.clear();
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector failed", e);
        }
    }

    private void watch(Connection connection, List<Connection> waking) {
        asleep.incrementAndGet();
        if (connection.sleepState == Connection.WATCH_WAKE_FIRST || stopped) {
            connection.sleepState = Connection.WATCH_WAKING;
            waking.add(connection);
            return;
        }
        try {
            connection.sleepKey = connection.channel().register(selector, SelectionKey.OP_READ, connection);
            connection.sleepState = Connection.WATCH_REGISTERED;
        } catch (ClosedChannelException | RuntimeException e) {
            // Closed meanwhile: a reader finds that out and ends the connection.
            connection.sleepState = Connection.WATCH_WAKING;
            waking.add(connection);
        }
    }

    private void startWaking(Connection connection, List<Connection> waking) {
        switch (connection.sleepState) {
            case Connection.WATCH_REGISTERED -> {
                connection.sleepKey.cancel();
                connection.sleepKey = null;
                connection.sleepState = Connection.WATCH_WAKING;
                waking.add(connection);
            }
            case Connection.WATCH_NONE -> {
                if (connection.isAsleep()) {
                    // Its sleep request is still on the way: wake it as soon as it arrives.
                    connection.sleepState = Connection.WATCH_WAKE_FIRST;
                }
            }
            default -> {
                // Already waking, or already told to wake first.
            }
        }
    }

    /** Wakes every sleeping reader (their connections are closing) and ends the thread. */
    void stop() {
        stopped = true;
        selector.wakeup();
    }
}
