package io.loomchat.service;

import java.time.Duration;

/**
 * How long conversation history (protocol 2.3) is kept, and how the retention job deletes it.
 *
 * @param retention       messages older than this are deleted; {@link Duration#ZERO} keeps no
 *                        history at all (nothing is written, HISTORY answers an empty page)
 * @param sweepInterval   how often the retention job looks for expired messages
 * @param deleteBatchRows rows one DELETE removes at most: short statements keep locks and undo
 *                        logs small while chat goes on writing
 * @param pauseBetweenBatches how long the job rests between two DELETEs, so that a large backlog
 *                        of expired rows (a lowered retention) is removed without hogging the database
 */
public record HistoryPolicy(Duration retention, Duration sweepInterval, int deleteBatchRows,
                            Duration pauseBetweenBatches) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(5);
    public static final int DEFAULT_DELETE_BATCH_ROWS = 1_000;
    public static final Duration DEFAULT_PAUSE_BETWEEN_BATCHES = Duration.ofMillis(50);
    /** Message ids carry 41 bits of milliseconds since 2024 (MessageIds): about 69 years. */
    static final Duration MAX_RETENTION = Duration.ofDays(365L * 60);
    static final int MAX_DELETE_BATCH_ROWS = 100_000;

    public HistoryPolicy {
        if (retention == null || retention.isNegative() || retention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("--history-retention must be between 0 (keep no history) and "
                    + MAX_RETENTION.toDays() + "d, not " + retention);
        }
        if (sweepInterval == null || sweepInterval.toMillis() < 1) {
            throw new IllegalArgumentException("the history sweep interval must be positive, not " + sweepInterval);
        }
        if (deleteBatchRows < 1 || deleteBatchRows > MAX_DELETE_BATCH_ROWS) {
            throw new IllegalArgumentException("the history delete batch must be 1 to " + MAX_DELETE_BATCH_ROWS
                    + " rows, not " + deleteBatchRows);
        }
        if (pauseBetweenBatches == null || pauseBetweenBatches.isNegative()) {
            throw new IllegalArgumentException("the pause between history delete batches must not be negative");
        }
    }

    public static HistoryPolicy defaults() {
        return new HistoryPolicy(DEFAULT_RETENTION, DEFAULT_SWEEP_INTERVAL, DEFAULT_DELETE_BATCH_ROWS,
                DEFAULT_PAUSE_BETWEEN_BATCHES);
    }

    public HistoryPolicy withRetention(Duration newRetention) {
        return new HistoryPolicy(newRetention, sweepInterval, deleteBatchRows, pauseBetweenBatches);
    }

    public HistoryPolicy withSweepInterval(Duration interval) {
        return new HistoryPolicy(retention, interval, deleteBatchRows, pauseBetweenBatches);
    }

    /** Whether history is kept at all. */
    public boolean enabled() {
        return !retention.isZero();
    }
}
