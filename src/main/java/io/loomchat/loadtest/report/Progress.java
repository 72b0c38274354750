package io.loomchat.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;

/**
 * Once a second: takes a {@link Sample} for the time series and hands it to a {@link Display}:
 * the progress line, or in a worker process a JSON line for the parent to merge.
 */
public final class Progress implements AutoCloseable {

    /** Where each second's sample goes. */
    public interface Display {
        void show(String phase, int seconds, Sample sample);

        /** The run is over (a terminal line then gets its newline). */
        void finish();
    }

    private final Metrics metrics;
    private final Display display;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final List<Sample> samples = new ArrayList<>();
    private volatile String phase = "starting";
    private volatile boolean running = true;
    private long lastSent;
    private long lastDelivered;
    private long lastLogins;

    public Progress(Metrics metrics, Display display) {
        this.metrics = metrics;
        this.display = display;
        this.thread = Thread.ofVirtual().name("load-progress").start(this::loop);
    }

    public void phase(String name) {
        phase = name;
    }

    private void loop() {
        long next = System.currentTimeMillis() / 1000 * 1000 + 1000;
        int ticks = 0;
        try {
            while (running) {
                TimeUnit.MILLISECONDS.sleep(Math.max(1, next - System.currentTimeMillis()));
                Sample sample = sample(next / 1000);
                next += 1000;
                ticks++;
                display.show(phase, ticks, sample);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Sample sample(long second) {
        long sent = metrics.get(Count.SENT);
        long delivered = metrics.get(Count.DELIVERED);
        long logins = metrics.get(Count.LOGINS);
        Histogram interval = metrics.interval(Latency.DELIVERY);
        Sample sample = new Sample(second, metrics.connectedNow(), sent - lastSent, delivered - lastDelivered,
                logins - lastLogins, metrics.get(Count.ERRORS), metrics.get(Count.RATE_LIMITED), metrics.get(Count.DROPS),
                interval.getValueAtPercentile(50) / 1000, interval.getValueAtPercentile(99) / 1000);
        lastSent = sent;
        lastDelivered = delivered;
        lastLogins = logins;
        lock.lock();
        try {
            samples.add(sample);
        } finally {
            lock.unlock();
        }
        return sample;
    }

    public List<Sample> samples() {
        lock.lock();
        try {
            return List.copyOf(samples);
        } finally {
            lock.unlock();
        }
    }

    /** Stops sampling; safe to call twice. */
    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        thread.join();
        display.finish();
    }
}
