package io.loomchat.service;

import io.loomchat.store.OfflineMessageDao;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges the offline store's confirmed marks (see {@link OfflineMessageDao#markConfirmed}) an
 * hour after they were made, on the named virtual thread {@code loomchat-confirmed-marks}. A mark
 * only has to outlast the copies that senders in doubt store in the seconds after an outage; an
 * hour is ample, and keeps the table as small as the messages really waiting.
 */
final class ConfirmedMarks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmedMarks.class);
    static final Duration KEPT = Duration.ofHours(1);
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(10);
    private static final int BATCH = 1_000;
    private static final Duration PAUSE_BETWEEN_BATCHES = Duration.ofMillis(50);

    private final OfflineMessageDao store;
    /** Epoch milliseconds now; tests move it. */
    private final LongSupplier clock;
    private final Sweeper sweeper = new Sweeper("loomchat-confirmed-marks", SWEEP_INTERVAL, PAUSE_BETWEEN_BATCHES);

    ConfirmedMarks(OfflineMessageDao store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    void start() {
        sweeper.start(this::sweep);
    }

    /** Purges every mark older than {@link #KEPT}, batch by batch; returns how many. */
    int sweep() {
        long before = clock.getAsLong() - KEPT.toMillis();
        int purged = 0;
        while (!sweeper.stopping()) {
            int batch = store.purgeConfirmed(before, BATCH);
            purged += batch;
            if (batch < BATCH || !sweeper.rest()) {
                break;
            }
        }
        if (purged > 0) {
            LOG.debug("purged {} confirmed marks older than {} min", purged, KEPT.toMinutes());
        }
        return purged;
    }

    @Override
    public void close() {
        sweeper.close();
    }
}
