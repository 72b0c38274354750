package io.loomchat.service;

import io.loomchat.store.DeviceDao;
import java.time.Duration;
import java.util.List;
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
    private final Sweeper sweeper = new Sweeper("loomchat-device-expiry", SWEEP_INTERVAL, PAUSE_BETWEEN_BATCHES);

    DeviceExpiry(DeviceDao devices, KnownDevices known, Duration expiry, LongSupplier clock) {
        this.devices = devices;
        this.known = known;
        this.expiry = expiry;
        this.clock = clock;
    }

    void start() {
        sweeper.start(this::sweep);
    }

    /** Forgets every expired device, batch by batch; returns how many. */
    int sweep() {
        long before = clock.getAsLong() - expiry.toMillis();
        int forgotten = 0;
        while (!sweeper.stopping()) {
            List<DeviceDao.Forgotten> batch = devices.forgetIdle(before, BATCH);
            batch.stream().map(DeviceDao.Forgotten::userId).distinct().forEach(known::added);
            forgotten += batch.size();
            if (batch.size() < BATCH || !sweeper.rest()) {
                break;
            }
        }
        if (forgotten > 0) {
            LOG.info("forgot {} devices not seen for {} days, with the messages kept for them", forgotten, expiry.toDays());
        }
        return forgotten;
    }

    @Override
    public void close() {
        sweeper.close();
    }
}
