package io.loomchat.loadtest.report;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The live figures of one run, written from every client thread. Counters are
 * {@link LongAdder}s and latencies HdrHistogram {@link Recorder}s, both wait-free for the
 * recording threads; {@link #interval} moves what was recorded since the last call into the
 * run's total, so the progress line can show this second's p99 while the total stays exact.
 */
public final class Metrics {

    /** Three significant digits: 1 µs resolution up to 1 ms, 1 ms up to 1 s. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final Map<Count, LongAdder> counts = new EnumMap<>(Count.class);
    private final Map<Latency, Recorder> recorders = new EnumMap<>(Latency.class);
    private final Map<Latency, Histogram> totals = new EnumMap<>(Latency.class);
    private final ReentrantLock totalsLock = new ReentrantLock();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger connectedPeak = new AtomicInteger();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicReference<String> firstDrop = new AtomicReference<>();

    public Metrics() {
        for (Count count : Count.values()) {
            counts.put(count, new LongAdder());
        }
        for (Latency latency : Latency.values()) {
            recorders.put(latency, new Recorder(SIGNIFICANT_DIGITS));
            totals.put(latency, new Histogram(SIGNIFICANT_DIGITS));
        }
    }

    public void add(Count count) {
        counts.get(count).increment();
    }

    public void add(Count count, long amount) {
        counts.get(count).add(amount);
    }

    public long get(Count count) {
        return counts.get(count).sum();
    }

    public void record(Latency latency, long nanos) {
        recorders.get(latency).recordValue(Math.max(0, nanos));
    }

    /** Counts an error and keeps the first one's text for the summary. */
    public void error(String what) {
        add(Count.ERRORS);
        firstError.compareAndSet(null, what);
    }

    String firstError() {
        return firstError.get();
    }

    /** Counts a connection the server (or the network) ended, keeping the first one's cause. */
    public void drop(String why) {
        add(Count.DROPS);
        firstDrop.compareAndSet(null, why);
    }

    String firstDrop() {
        return firstDrop.get();
    }

    public void connected() {
        connectedPeak.accumulateAndGet(connected.incrementAndGet(), Math::max);
    }

    public void disconnected() {
        connected.decrementAndGet();
    }

    int connectedNow() {
        return connected.get();
    }

    int connectedPeak() {
        return connectedPeak.get();
    }

    /** What was recorded since the previous call, which is also added to the total. */
    Histogram interval(Latency latency) {
        totalsLock.lock();
        try {
            Histogram interval = recorders.get(latency).getIntervalHistogram();
            totals.get(latency).add(interval);
            return interval;
        } finally {
            totalsLock.unlock();
        }
    }

    /** A copy of everything recorded so far. */
    Histogram total(Latency latency) {
        interval(latency);
        totalsLock.lock();
        try {
            return totals.get(latency).copy();
        } finally {
            totalsLock.unlock();
        }
    }
}
