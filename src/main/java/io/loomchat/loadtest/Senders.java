package io.loomchat.loadtest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One virtual thread per stream sending chat messages until stopped: in a closed loop (the next
 * message when the window has room, i.e. when earlier ones were delivered), or open loop at a
 * fixed rate shared by all streams (the window then only bounds the backlog).
 */
final class Senders implements AutoCloseable {

    /** A closed-loop sender that waited this long gives the message up and goes on (counted as a stall). */
    static final long STALL_MILLIS = 2_000;
    /** How often a waiting sender looks at whether the run is over or its user is connected again. */
    private static final long POLL_MILLIS = 100;

    private final RunContext run;
    private final List<Thread> threads = new ArrayList<>();
    private final String padding;
    private volatile boolean running = true;

    Senders(RunContext run, List<Stream> streams, double messagesPerSecond) {
        this.run = run;
        this.padding = "x".repeat(run.options.payload - 36);
        double perStream = messagesPerSecond / Math.max(1, streams.size());
        for (Stream stream : streams) {
            threads.add(Thread.ofVirtual().name("load-sender").start(() -> loop(stream, perStream)));
        }
    }

    private void loop(Stream stream, double perSecond) {
        long gapNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        // Open loop: spread the streams' first messages over one gap so they do not all fire together.
        long due = System.nanoTime() + (gapNanos > 0 ? (long) (Math.random() * gapNanos) : 0);
        try {
            while (running) {
                if (gapNanos > 0) {
                    long wait;
                    while (running && (wait = due - System.nanoTime()) > 0) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
                    }
                    // Fell more than a second behind (a pause, a reconnect): do not burst to catch up.
                    due = Math.max(due + gapNanos, System.nanoTime() - 1_000_000_000L);
                }
                if (!stream.sender.isConnected()) {
                    TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
                    continue;
                }
                if (awaitWindow(stream)) {
                    send(stream);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for room in the window in short slices, so that {@link #close} never has to
     * interrupt a sender (interrupting a virtual thread in a socket write closes the socket).
     */
    private boolean awaitWindow(Stream stream) throws InterruptedException {
        long waited = 0;
        while (running) {
            if (stream.awaitWindow(POLL_MILLIS)) {
                return true;
            }
            waited += POLL_MILLIS;
            if (waited >= STALL_MILLIS) {
                run.metrics.add(Count.STALLS);
                stream.forceWindow();
                waited = 0;
            }
        }
        return false;
    }

    private void send(Stream stream) {
        try {
            stream.sender.sendChat(stream, padding);
        } catch (IOException e) {
            // The message never left (or left half-written): give its window room back. The reader
            // of that connection counts the drop; outside a drop this is an error.
            stream.refused();
            if (stream.sender.isConnected()) {
                run.metrics.error(stream.sender + ": send failed: " + e.getMessage());
            }
        }
    }

    /** Stops sending (within {@link #POLL_MILLIS}, or one open-loop gap); messages in flight are left to the drain. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join();
        }
    }
}
