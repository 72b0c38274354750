package io.loomchat.testing;

import io.loomchat.server.ConnectionListener;
import io.loomchat.server.Outbound;
import io.loomchat.server.OutboundFrame;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection without a socket: the client's frames go straight to a {@link ConnectionListener}
 * (the chat service's session) on a reader thread of the link's own, as a connection's reader
 * would call it, and what the service sends through {@link Outbound} is recorded for the client
 * to read. Everything between the two is the service's real code; only the network is left out,
 * so a scenario runs in milliseconds and needs no port.
 */
final class InProcessLink implements FrameLink {

    private static final AtomicInteger PEERS = new AtomicInteger();

    private final String peer = "in-process-" + PEERS.incrementAndGet();
    /** The connection's reader: one thread, so frames are served one at a time and in order. */
    private final ExecutorService reader =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().name(peer + "-reader").factory());
    private final ConnectionListener listener;
    /** Frames the service sent (their JSON: framing is the transports'), oldest first. */
    private final LinkedBlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** What went wrong on the reader thread: the test fails with it at its next read. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** Bytes of a frame the client has not finished writing. Used by the client's thread only. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

    InProcessLink(ConnectionListener.Factory service) {
        this.listener = service.connected(new ServiceSide());
    }

    // --- the client's side

    @Override
    public void write(byte[] bytes) {
        for (byte b : bytes) {
            if (b != '\n') {
                partial.write(b);
                continue;
            }
            byte[] frame = partial.toByteArray();
            partial.reset();
            onReader(() -> listener.onFrame(frame, 0, frame.length, false));
        }
    }

    @Override
    public byte[] read(Duration wait) {
        try {
            byte[] frame = sent.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            Throwable failed = failure.get();
            if (failed != null) {
                throw new AssertionError("serving a frame failed on " + peer, failed);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public boolean ended() {
        return closed.get() && sent.isEmpty();
    }

    /** The client goes away: the session ends as after a TCP close, and this returns once it has. */
    @Override
    public void close() {
        endSession();
        reader.close(); // waits for the session's end to be served
    }

    /** The service's side: the {@link Outbound} its session writes to. */
    private final class ServiceSide implements Outbound {

        @Override
        public boolean send(OutboundFrame frame) {
            if (closed.get()) {
                return false;
            }
            sent.add(frame.bytes().clone());
            frame.callback().written();
            return true;
        }

        /** The service closes the connection: the reader ends the session, as a connection's would. */
        @Override
        public void close() {
            endSession();
        }

        @Override
        public String peer() {
            return peer;
        }

        @Override
        public String clientAddress() {
            return "127.0.0.1";
        }
    }

    private void endSession() {
        if (closed.compareAndSet(false, true)) {
            onReader(listener::onClose);
        }
    }

    private void onReader(Runnable task) {
        reader.execute(() -> {
            try {
                task.run();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
    }
}
