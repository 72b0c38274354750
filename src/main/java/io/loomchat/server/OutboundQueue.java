package io.loomchat.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way frames reach a connection's transport. Any thread may {@link #send}; frames are written whole and
 * in order by a single writer, so they never interleave.
 *
 * <p>The writer is a virtual thread started when the queue turns non-empty and ended when it
 * drains, so an idle connection costs no writer thread at all. A sender never blocks on the
 * socket: when a client stops reading and its queue fills up, the client is disconnected and
 * the frames still queued are handed back through {@link OutboundFrame.Callback#undelivered()}
 * by {@link #finish}, which the connection's reader thread calls on its way out.
 */
final class OutboundQueue {

    /** Frames written with one system call at most, to keep a busy writer's batches bounded. */
    private static final int MAX_BATCH_BYTES = 64 * 1024;
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("loomchat-writer").factory();

    private enum State { OPEN, CLOSING, CLOSED }

    private final FrameWriter out;
    private final Runnable closeSocket;
    private final int maxFrames;
    private final int maxBytes;
    private final Runnable drained;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the writer thread ends. */
    private final Condition writerDone = lock.newCondition();
    // guarded by lock
    private final ArrayDeque<OutboundFrame> frames = new ArrayDeque<>(4);
    // guarded by lock
    private int queuedBytes;
    // guarded by lock: true while a writer thread runs; frames is empty whenever it is false
    private boolean writing;
    // guarded by lock
    private State state = State.OPEN;
    // guarded by lock
    private String overflow;

    OutboundQueue(FrameWriter out, Runnable closeSocket, int maxFrames, int maxBytes) {
        this(out, closeSocket, maxFrames, maxBytes, () -> { });
    }

    /** @param drained run by the writer thread each time it ends: everything written, or the connection failed */
    OutboundQueue(FrameWriter out, Runnable closeSocket, int maxFrames, int maxBytes, Runnable drained) {
        this.out = out;
        this.closeSocket = closeSocket;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.drained = drained;
    }

    /** Whether a writer thread runs: frames are queued or being written. */
    boolean writerRunning() {
        lock.lock();
        try {
            return writing;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link Outbound#send}. */
    boolean send(OutboundFrame frame) {
        boolean startWriter = false;
        boolean overflowed = false;
        lock.lock();
        try {
            if (state != State.OPEN) {
                return false;
            }
            // The oldest frame does not count against the byte limit: a login ack carrying a long
            // offline backlog may be larger than the limit, and the live messages right behind it
            // must not make its recipient look like a client that stopped reading.
            if (!frames.isEmpty() && (frames.size() >= maxFrames
                    || queuedBytes - frames.peekFirst().bytes().length + frame.bytes().length > maxBytes)) {
                state = State.CLOSED;
                overflow = frames.size() + " frames, " + queuedBytes + " bytes queued";
                overflowed = true;
            } else {
                frames.addLast(frame);
                queuedBytes += frame.bytes().length;
                if (!writing) {
                    writing = true;
                    startWriter = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (overflowed) {
            // Wakes the reader, whose finish() returns the queued frames to their senders.
            closeSocket.run();
            return false;
        }
        if (startWriter) {
            WRITERS.newThread(this::drain).start();
        }
        return true;
    }

    /**
     * Why the queue was closed because its client stopped reading ("12 frames, 3456 bytes
     * queued"), or {@code null} when it was not.
     */
    String overflow() {
        lock.lock();
        try {
            return overflow;
        } finally {
            lock.unlock();
        }
    }

    /** Runs on the writer thread until the queue is empty or the connection fails. */
    private void drain() {
        List<OutboundFrame> batch = new ArrayList<>();
        while (true) {
            int batchBytes = 0;
            lock.lock();
            try {
                if (state == State.CLOSED || frames.isEmpty()) {
                    writing = false;
                    writerDone.signalAll();
                    break;
                }
                while (!frames.isEmpty() && (batch.isEmpty()
                        || batchBytes + frames.peekFirst().bytes().length <= MAX_BATCH_BYTES)) {
                    OutboundFrame frame = frames.pollFirst();
                    batchBytes += frame.bytes().length;
                    batch.add(frame);
                }
                queuedBytes -= batchBytes;
            } finally {
                lock.unlock();
            }
            try {
                out.write(batch, batchBytes);
            } catch (IOException e) {
                failBatch(batch, batchBytes);
                break;
            }
            for (OutboundFrame frame : batch) {
                frame.callback().written();
            }
            batch.clear();
        }
        drained.run();
    }

    /**
     * A failed write may have reached the peer in part or not at all; the batch goes back to the
     * head of the queue so that {@link #finish} reports it undelivered, in order with the rest.
     */
    private void failBatch(List<OutboundFrame> batch, int batchBytes) {
        lock.lock();
        try {
            for (int i = batch.size() - 1; i >= 0; i--) {
                frames.addFirst(batch.get(i));
            }
            queuedBytes += batchBytes;
            state = State.CLOSED;
            writing = false;
            writerDone.signalAll();
        } finally {
            lock.unlock();
        }
        closeSocket.run();
    }

    /**
     * Refuses further frames, lets the writer flush what is queued for at most {@code timeoutNanos},
     * then reports whatever was not written as undelivered, oldest first. Called once, by the
     * reader thread as the connection ends.
     */
    void finish(long timeoutNanos) {
        List<OutboundFrame> leftovers;
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.CLOSING;
            }
            awaitWriter(timeoutNanos);
            if (writing) {
                // The peer is not reading; closing the socket makes the blocked write fail.
                lock.unlock();
                try {
                    closeSocket.run();
                } finally {
                    lock.lock();
                }
                while (writing) {
                    writerDone.awaitUninterruptibly();
                }
            }
            state = State.CLOSED;
            leftovers = new ArrayList<>(frames);
            frames.clear();
            queuedBytes = 0;
        } finally {
            lock.unlock();
        }
        for (OutboundFrame frame : leftovers) {
            frame.callback().undelivered();
        }
    }

    /** Waits, with the lock held, until the writer ends or the time is up; keeps an interrupt for later. */
    private void awaitWriter(long timeoutNanos) {
        long remaining = timeoutNanos;
        boolean interrupted = false;
        while (writing && remaining > 0) {
            try {
                remaining = writerDone.awaitNanos(remaining);
            } catch (InterruptedException e) {
                // Only a dying JVM interrupts reader threads: stop waiting and close at once.
                interrupted = true;
                remaining = 0;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
