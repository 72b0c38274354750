package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.report.Count;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One virtual thread per stream sending chat messages until stopped: in a closed loop (the next
 * message when the window has room, i.e. when earlier ones were delivered), or open loop at a
 * fixed rate shared by all streams (the window then only bounds the backlog).
 */
public final class Senders implements AutoCloseable {

    /** A closed-loop sender that waited this long gives the message up and goes on (counted as a stall). */
    static final long STALL_MILLIS = 2_000;
    /** How often stalls are looked for, and a disconnected sender looks whether its user is back. */
    private static final long POLL_MILLIS = 100;

    private final RunContext run;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Stream> streams;
    private final Thread watchdog;
    private final String padding;
    private volatile boolean running = true;

    public Senders(RunContext run, List<Stream> streams, double messagesPerSecond) {
        this.run = run;
        this.padding = "x".repeat(run.options.payload - 36);
        this.streams = List.copyOf(streams);
        double perStream = messagesPerSecond / Math.max(1, streams.size());
        for (Stream stream : streams) {
            threads.add(Thread.ofVirtual().name("load-sender").start(() -> loop(stream, perStream)));
        }
        watchdog = Thread.ofVirtual().name("load-stall-watchdog").start(this::watchStalls);
    }

    /** Every {@link #POLL_MILLIS}: a closed-loop sender waiting over {@link #STALL_MILLIS} goes on. */
    private void watchStalls() {
        long stallNanos = TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
        try {
            while (running) {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
                long deadline = System.nanoTime() - stallNanos;
                for (Stream stream : streams) {
                    if (stream.unstickIfWaitingSince(deadline)) {
                        run.metrics.add(Count.STALLS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Waits for room in the window; false when the run ended meanwhile. */
    private boolean awaitWindow(Stream stream) throws InterruptedException {
        stream.awaitWindow();
        return running;
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
        watchdog.join();
        for (int i = 0; i < threads.size(); i++) {
            // Its sender, if waiting for room, is woken (not interrupted: interrupting a virtual
            // thread in a socket write closes the socket); it then sees the run is over.
            while (threads.get(i).isAlive()) {
                streams.get(i).wakeIfWaiting();
                threads.get(i).join(Duration.ofMillis(POLL_MILLIS));
            }
        }
    }
}
