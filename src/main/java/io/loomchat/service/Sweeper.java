package io.loomchat.service;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a background clean-up (history retention, device expiry): on a named virtual
 * thread it runs its sweep every interval, off every request's path; a sweep works through its
 * batches with a {@link #rest} between them, and {@link #close} stops it between two batches.
 */
final class Sweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final String name;
    private final Duration interval;
    private final Duration pause;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopping;
    private Thread thread;

    Sweeper(String name, Duration interval, Duration pause) {
        this.name = name;
        this.interval = interval;
        this.pause = pause;
    }

    /** Runs {@code sweep} every interval until closed; a failed sweep is logged and tried again. */
    void start(Runnable sweep) {
        thread = Thread.ofVirtual().name(name).start(() -> {
            while (!stopping) {
                try {
                    wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (stopping) {
                    return;
                }
                try {
                    sweep.run();
                } catch (RuntimeException e) {
                    LOG.warn("{} failed; trying again in {} s: {}", name, interval.toSeconds(), e.getMessage());
                }
            }
        });
    }

    /** Whether the job is closing: a sweep stops before its next batch. */
    boolean stopping() {
        return stopping;
    }

    /** The pause between two batches; false when the job is closing. */
    boolean rest() {
        try {
            return !wake.tryAcquire(pause.toMillis(), TimeUnit.MILLISECONDS) && !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stopping = true;
        wake.release();
        if (thread != null) {
            try {
                thread.join(interval.plusSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
