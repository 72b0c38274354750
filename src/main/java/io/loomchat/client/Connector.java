package io.loomchat.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.tls.ServerNotTrustedException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the client connected: one named platform thread connects, reads frames until the
 * connection breaks, waits with exponential backoff and connects again, until {@link #close()}.
 * Logging in again after a reconnect is the {@link Listener}'s business; this class knows
 * nothing about users.
 */
final class Connector implements AutoCloseable {

    /** What happens on the connection thread. Listeners must not block for long. */
    interface Listener {
        /** A connection is up; {@code again} is false for the very first one. */
        void connected(String address, boolean again);

        void received(JsonNode frame);

        /** A line from the server was not JSON; the connection goes on. */
        void garbled(String address, JsonProcessingException error);

        /** The connection was lost; the next attempt comes after {@code retryIn}. */
        void disconnected(String address, String reason, Duration retryIn);

        /** A connection attempt failed; the next comes after {@code retryIn}. */
        void unreachable(String address, IOException error, Duration retryIn);

        /** The server cannot be trusted (TLS): no further attempt is made. */
        void refused(String address, ServerNotTrustedException error);
    }

    /** Thrown by {@link #send} while there is no connection. */
    static final class NotConnectedException extends IOException {
        NotConnectedException(String address) {
            super("not connected to " + address);
        }
    }

    private final ClientOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when {@link #link} or {@link #closed} changes. */
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}: the connection in use, {@code null} between connections. */
    private ServerLink link;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Guarded by {@link #lock}: why the connector gave up for good, or {@code null}. */
    private ServerNotTrustedException refusal;
    /** Guarded by {@link #lock}: whether a first connection attempt has ended, either way. */
    private boolean attempted;
    private Thread thread;

    Connector(ClientOptions options) {
        this.options = options;
    }

    void start(Listener listener) {
        thread = Thread.ofPlatform().name("loomchat-client-connection").daemon(true).start(() -> run(listener));
    }

    /** Sends one frame on the current connection. */
    void send(JsonNode frame) throws IOException {
        ServerLink current = current();
        if (current == null) {
            throw new NotConnectedException(options.address());
        }
        current.send(frame);
    }

    /** The connection in use, or {@code null} while there is none. */
    ServerLink current() {
        lock.lock();
        try {
            return link;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a connection is up; false when the connector was closed first. */
    boolean awaitConnected() throws InterruptedException {
        lock.lock();
        try {
            while (link == null && !closed) {
                changed.await();
            }
            return link != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the first connection attempt has ended, connected or not; returns why the
     * connector gave up for good, or {@code null} when it did not.
     */
    ServerNotTrustedException awaitFirstAttempt() throws InterruptedException {
        lock.lock();
        try {
            while (!attempted && !closed) {
                changed.await();
            }
            return refusal;
        } finally {
            lock.unlock();
        }
    }

    /** Why the connector gave up for good, or {@code null} while it has not. */
    ServerNotTrustedException refusal() {
        lock.lock();
        try {
            return refusal;
        } finally {
            lock.unlock();
        }
    }

    private void run(Listener listener) {
        String address = options.address();
        boolean everConnected = false;
        int failures = 0;
        while (!isClosed()) {
            ServerLink opened;
            try {
                opened = ServerLink.open(options.host(), options.port(), options.connectTimeout(),
                        options.readTimeout(), options.tls());
            } catch (ServerNotTrustedException e) {
                // Connecting again would meet the same certificate: tell once, and stop.
                listener.refused(address, e);
                giveUp(e);
                return;
            } catch (IOException e) {
                Duration delay = backoff(failures++);
                listener.unreachable(address, e, delay);
                attempted();
                sleep(delay);
                continue;
            }
            failures = 0;
            use(opened);
            listener.connected(address, everConnected);
            everConnected = true;
            String reason;
            try {
                reason = readUntilBroken(opened, listener);
            } catch (ServerNotTrustedException e) {
                use(null);
                opened.fail(e);
                // Before the listener abandons what waits for a reply: whoever wakes then sees why.
                giveUp(e);
                listener.refused(address, e);
                return;
            }
            use(null);
            // Closing a broken socket can fail too; fail() keeps that error with the reason.
            opened.fail(new IOException(reason));
            if (isClosed()) {
                return;
            }
            Duration delay = backoff(0);
            listener.disconnected(address, reason, delay);
            sleep(delay);
            // If the server is still away, the next wait is already the second step up.
            failures = 1;
        }
    }

    /**
     * Hands every frame to the listener; returns why the connection ended, in words.
     *
     * @throws ServerNotTrustedException the server turned out to speak TLS to a plaintext client
     */
    private String readUntilBroken(ServerLink opened, Listener listener) throws ServerNotTrustedException {
        while (true) {
            try {
                JsonNode frame = opened.read();
                if (frame == null) {
                    return "the server closed the connection";
                }
                listener.received(frame);
            } catch (JsonProcessingException e) {
                listener.garbled(options.address(), e);
            } catch (ServerNotTrustedException e) {
                throw e;
            } catch (SocketTimeoutException e) {
                return "no answer from the server for " + options.readTimeout().toSeconds() + " s";
            } catch (IOException e) {
                IOException cause = opened.failure() != null ? opened.failure() : e;
                return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            }
        }
    }

    private void attempted() {
        lock.lock();
        try {
            attempted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void giveUp(ServerNotTrustedException why) {
        lock.lock();
        try {
            refusal = why;
            attempted = true;
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void use(ServerLink next) {
        lock.lock();
        try {
            link = next;
            attempted = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Doubling delays from the minimum up to the maximum, each shortened by up to a fifth at
     * random, so that the clients of a restarted server do not all come back in the same instant.
     */
    Duration backoff(int failures) {
        long min = options.reconnectMinDelay().toMillis();
        long max = options.reconnectMaxDelay().toMillis();
        long delay = failures >= 30 ? max : Math.min(max, min << failures);
        long jitter = ThreadLocalRandom.current().nextLong(delay / 5 + 1);
        return Duration.ofMillis(Math.max(1, delay - jitter));
    }

    /** Waits for the delay, or less when the connector is closed meanwhile. */
    private void sleep(Duration delay) {
        long remaining = delay.toNanos();
        lock.lock();
        try {
            while (!closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            // Nothing here interrupts this thread; if something else does, it wants it to end.
            closed = true;
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws InterruptedException {
        ServerLink current;
        lock.lock();
        try {
            closed = true;
            current = link;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.fail(new IOException("the client is closing"));
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        }
    }
}
