package io.loomchat.service;

import io.loomchat.store.DeviceDao;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets devices that have not logged in for the expiry (protocol 2.3: "a device that has not
 * logged in for 30 days is forgotten, with what was kept for it"), on the named virtual thread
 * {@code loomchat-device-expiry}, a batch at a time with a rest between, off every request's
 * path. Each server of a cluster runs it; two forgetting the same device find less to forget.
 */
final class DeviceExpiry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceExpiry.class);
    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    static final int BATCH = 500;
    private static final Duration PAUSE_BETWEEN_BATCHES = Duration.ofMillis(50);

    private final DeviceDao devices;
    private final KnownDevices known;
    private final Duration expiry;
    /** Epoch milliseconds now; tests move it. */
    private final LongSupplier clock;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopping;
    private Thread thread;

    DeviceExpiry(DeviceDao devices, KnownDevices known, Duration expiry, LongSupplier clock) {
        this.devices = devices;
        this.known = known;
        this.expiry = expiry;
        this.clock = clock;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-device-expiry").start(this::run);
    }

    private void run() {
        while (!stopping) {
            try {
                wake.tryAcquire(SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                return;
            }
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warn("device expiry failed; trying again in {} min: {}", SWEEP_INTERVAL.toMinutes(), e.getMessage());
            }
        }
    }

    /** Forgets every expired device, batch by batch; returns how many. */
    int sweep() {
        long before = clock.getAsLong() - expiry.toMillis();
        int forgotten = 0;
        while (!stopping) {
            List<DeviceDao.Forgotten> batch = devices.forgetIdle(before, BATCH);
            batch.stream().map(DeviceDao.Forgotten::userId).distinct().forEach(known::added);
            forgotten += batch.size();
            if (batch.size() < BATCH || !rest()) {
                break;
            }
        }
        if (forgotten > 0) {
            LOG.info("forgot {} devices not seen for {} days, with the messages kept for them", forgotten, expiry.toDays());
        }
        return forgotten;
    }

    private boolean rest() {
        try {
            return !wake.tryAcquire(PAUSE_BETWEEN_BATCHES.toMillis(), TimeUnit.MILLISECONDS) && !stopping;
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
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
