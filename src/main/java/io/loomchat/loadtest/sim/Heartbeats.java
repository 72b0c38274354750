package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.report.Count;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sends PING on every device session that has sent nothing for --heartbeat, as the console client does,
 * so that the server's idle timeout never closes a held connection. One thread for all users:
 * a thread per idle client would be the load generator's cost, not the server's.
 */
public final class Heartbeats implements AutoCloseable {

    private final RunContext run;
    private final List<SimUser> users;
    private final Thread thread;
    private volatile boolean running = true;

    public Heartbeats(RunContext run, List<SimUser> users) {
        this.run = run;
        this.users = List.copyOf(users);
        this.thread = Thread.ofVirtual().name("load-heartbeats").start(this::loop);
    }

    private void loop() {
        long intervalNanos = run.options.heartbeat.toNanos();
        try {
            while (running) {
                long now = System.nanoTime();
                for (SimUser user : users) {
                    for (SimDevice device : user.devices()) {
                        if (device.isConnected() && now - device.lastSentNanos() >= intervalNanos) {
                            try {
                                device.ping();
                            } catch (IOException e) {
                                // The reader sees the same broken connection and counts the drop.
                                run.metrics.error(device + ": PING failed: " + e.getMessage());
                            }
                        }
                    }
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops within one pass (never interrupts: interrupting a virtual thread in a socket write
     * closes the socket), then, in the modern dialect, waits up to --drain for the PONGs of the
     * PINGs still in flight before counting those never answered: closing the clients at once
     * would count every PING of the last round trip as unanswered (7,234 of them at 100,000
     * clients), hiding any the server really left without a PONG.
     */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        if (!run.framing.acknowledged()) {
            return; // the classic dialect has no PONG
        }
        long deadline = System.nanoTime() + run.options.drain.toNanos();
        long awaiting = awaitingPong();
        while (awaiting > 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
            awaiting = awaitingPong();
        }
        run.metrics.add(Count.PINGS_UNANSWERED, awaiting);
    }

    /** PINGs on connections still open that no PONG has answered. */
    private long awaitingPong() {
        long awaiting = 0;
        for (SimUser user : users) {
            for (SimDevice device : user.devices()) {
                awaiting += device.pingsAwaitingPong();
            }
        }
        return awaiting;
    }
}
