package io.loomchat.service;

import io.loomchat.store.OfflineMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The offline rows handed to a session without receipts (in its login ack or pushed since) and
 * not deleted yet: a push must not send one of them again, and a logout waits until they are
 * settled so that a next login cannot fetch one a second time.
 *
 * <p>It has a lock of its own, never held across I/O, so that the session can read the store
 * without holding its lock: {@link #notHandedOver} says whether a read is still good, by the
 * count of rows settled since it started (a row settled after the read may be in it, deleted).
 */
final class RowsInFlight {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition empty = lock.newCondition();
    /** Guarded by lock. */
    private final Set<Long> rowIds = new HashSet<>();
    /** Rows settled so far; guarded by lock. */
    private long settledCount;

    void add(List<Long> ids) {
        lock.lock();
        try {
            rowIds.addAll(ids);
        } finally {
            lock.unlock();
        }
    }

    /** The count to give {@link #notHandedOver} for a read of the store that starts now. */
    long readStarts() {
        lock.lock();
        try {
            return settledCount;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The rows of a read that are not in flight; null when a row was settled since the read
     * started ({@code startedAt}): the read may hold a deleted row and must be made again.
     */
    List<OfflineMessage> notHandedOver(List<OfflineMessage> read, long startedAt) {
        lock.lock();
        try {
            if (settledCount != startedAt) {
                return null;
            }
            List<OfflineMessage> left = new ArrayList<>(read.size());
            for (OfflineMessage row : read) {
                if (!rowIds.contains(row.id())) {
                    left.add(row);
                }
            }
            return left;
        } finally {
            lock.unlock();
        }
    }

    boolean contains(long rowId) {
        lock.lock();
        try {
            return rowIds.contains(rowId);
        } finally {
            lock.unlock();
        }
    }

    /** The rows are deleted from the store, or given back undelivered (they stay stored for the next login). */
    void settled(List<Long> ids) {
        lock.lock();
        try {
            ids.forEach(rowIds::remove);
            settledCount += ids.size();
            if (rowIds.isEmpty()) {
                empty.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every row is settled; gives up after {@code timeout} (the rows then may come again). */
    void awaitSettled(Duration timeout) {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!rowIds.isEmpty() && left > 0) {
                left = empty.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
