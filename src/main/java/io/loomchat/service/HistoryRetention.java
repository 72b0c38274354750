package io.loomchat.service;

import io.loomchat.store.HistoryDao;
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
    private final Sweeper sweeper;

    HistoryRetention(HistoryDao dao, HistoryPolicy policy, LongSupplier clock) {
        this.dao = dao;
        this.policy = policy;
        this.clock = clock;
        this.sweeper = new Sweeper("loomchat-history-retention", policy.sweepInterval(), policy.pauseBetweenBatches());
    }

    void start() {
        sweeper.start(this::sweep);
    }

    /** Deletes every expired message, batch by batch; returns how many. */
    long sweep() {
        long cutoff = MessageIds.firstMidAt(clock.getAsLong() - policy.retention().toMillis());
        long removed = 0;
        while (!sweeper.stopping()) {
            int deleted = dao.deleteOlderThan(cutoff, policy.deleteBatchRows());
            removed += deleted;
            if (deleted < policy.deleteBatchRows()) {
                break;
            }
            if (!sweeper.rest()) {
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

    @Override
    public void close() {
        sweeper.close();
    }
}
