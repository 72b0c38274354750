package io.loomchat.loadtest;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;

/**
 * Once a second: takes a {@link Sample} for the time series and shows it. On a terminal the
 * progress is one line that rewrites itself with {@code \r}; otherwise (a log file, CI, a
 * worker's parent) a line every {@link #PLAIN_EVERY_SECONDS} seconds, so logs stay readable.
 */
final class Progress implements AutoCloseable {

    static final int PLAIN_EVERY_SECONDS = 5;

    private final Metrics metrics;
    private final PrintStream err;
    private final boolean terminal;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final List<Sample> samples = new ArrayList<>();
    private volatile String phase = "starting";
    private volatile boolean running = true;
    private long lastSent;
    private long lastDelivered;
    private long lastLogins;

    Progress(Metrics metrics, PrintStream err) {
        this.metrics = metrics;
        this.err = err;
        this.terminal = stderrIsTerminal();
        this.thread = Thread.ofVirtual().name("load-progress").start(this::loop);
    }

    void phase(String name) {
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
                show(sample, ticks);
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
                logins - lastLogins, metrics.get(Count.ERRORS), metrics.get(Count.DROPS),
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

    private void show(Sample s, int ticks) {
        if (!terminal && ticks % PLAIN_EVERY_SECONDS != 0) {
            return;
        }
        String line = String.format("%-8s %4ds  clients %,d  msgs/s %,d  logins/s %,d  p99 %s  errors %,d  rate-limited %,d  drops %,d",
                phase, ticks, s.connected(), s.deliveredPerSecond(), s.loginsPerSecond(), Summary.micros(s.p99Micros()),
                s.errors(), metrics.get(Count.RATE_LIMITED), s.drops());
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
    }

    List<Sample> samples() {
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
        if (terminal) {
            err.println();
        }
    }

    /**
     * Whether standard error is a terminal. Linux names the descriptor's target in /proc; elsewhere
     * fall back to System.console(), which on JDK 21 exists only when the process is interactive.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (java.io.IOException e) {
                // The descriptor went away between the two calls: certainly no terminal to redraw.
                return false;
            }
        }
        return System.console() != null;
    }
}
