package io.loomchat.service;

import io.loomchat.store.HistoryDao;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention job, on the named virtual thread {@code loomchat-history-retention}: every
 * sweep interval it deletes the messages older than the retention, in small batches with a rest
 * between them, off every request's path. Mids grow with time (MessageIds), so "older than" is
 * "mid below the first mid of that moment", a range of the History table's key by mid. Each
 * server of a cluster runs it; two deleting the same rows at once only find fewer to delete.
 */
final class HistoryRetention implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryRetention.class);

    private final HistoryDao dao;
    private final HistoryPolicy policy;
    /** Epoch milliseconds now; tests move it. */
    private final LongSupplier clock;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean stopping;
    private Thread thread;

    HistoryRetention(HistoryDao dao, HistoryPolicy policy, LongSupplier clock) {
        this.dao = dao;
        this.policy = policy;
        this.clock = clock;
    }

    void start() {
        thread = Thread.ofVirtual().name("loomchat-history-retention").start(this::run);
    }

    private void run() {
        while (!stopping) {
            try {
                wake.tryAcquire(policy.sweepInterval().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                return;
            }
            try {
                sweep();
            } catch (RuntimeException e) {
                LOG.warn("history retention failed; trying again in {} s: {}", policy.sweepInterval().toSeconds(),
                        e.getMessage());
            }
        }
    }

    /** Deletes every expired message, batch by batch; returns how many. */
    long sweep() {
        long cutoff = MessageIds.firstMidAt(clock.getAsLong() - policy.retention().toMillis());
        long removed = 0;
        while (!stopping) {
            int deleted = dao.deleteOlderThan(cutoff, policy.deleteBatchRows());
            removed += deleted;
            if (deleted < policy.deleteBatchRows()) {
                break;
            }
            if (!rest()) {
                break;
            }
        }
        if (removed > 0) {
            LOG.info("history retention removed {} messages older than {}", removed, age());
        } else {
            LOG.debug("history retention: nothing older than {}", age());
        }
        return removed;
    }

    private String age() {
        long days = policy.retention().toDays();
        return days > 0 ? days + " days" : policy.retention().toSeconds() + " s";
    }

    /** The pause between two batches; false when the job is stopping. */
    private boolean rest() {
        try {
            return !wake.tryAcquire(policy.pauseBetweenBatches().toMillis(), TimeUnit.MILLISECONDS) && !stopping;
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
                thread.join(policy.sweepInterval().plusSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
