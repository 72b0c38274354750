package io.loomchat.loadtest.sim;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * --read-state: every connected device session says its user is typing to its partner once every
 * {@link #INTERVAL_NANOS} (protocol 2.3: a client sends TYPING at most once every 3 s while its
 * user types; the server drops more). The devices start spread over the first interval, so the
 * TYPING frames come as an even stream rather than all at once. One thread for all users, as
 * {@link Heartbeats}.
 */
public final class Typists implements AutoCloseable {

    /** 3 s: what a client may send while its user types, and no faster (the server drops more). */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final RunContext run;
    private final List<SimDevice> devices;
    private final long[] nextNanos;
    private final Thread thread;
    private volatile boolean running = true;

    public Typists(RunContext run, List<SimUser> users) {
        this.run = run;
        this.devices = users.stream().flatMap(user -> user.devices().stream()).toList();
        this.nextNanos = new long[devices.size()];
        long now = System.nanoTime();
        for (int i = 0; i < nextNanos.length; i++) {
            nextNanos[i] = now + INTERVAL_NANOS * i / Math.max(1, nextNanos.length);
        }
        this.thread = Thread.ofVirtual().name("load-typists").start(this::loop);
    }

    private void loop() {
        try {
            while (running) {
                long now = System.nanoTime();
                for (int i = 0; i < devices.size(); i++) {
                    SimDevice device = devices.get(i);
                    Stream stream = device.user.oneToOne();
                    if (now < nextNanos[i] || stream == null || !device.isConnected()) {
                        continue;
                    }
                    // Never sooner than 3 s after the last one, whatever this loop's delays.
                    nextNanos[i] = now + INTERVAL_NANOS;
                    try {
                        device.typing(stream.destination);
                    } catch (IOException e) {
                        run.metrics.error(device + ": TYPING failed: " + e.getMessage());
                    }
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops within one pass; never interrupts (interrupting a virtual thread in a socket write closes the socket). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
