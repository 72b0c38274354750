package io.loomchat.loadtest.sim;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one simulated user was shown, per stream: which numbers, and the highest so far. This is
 * the ledger's ground truth, kept whole for the run (unlike a client's bounded
 * {@link io.loomchat.loadtest.receipts.MidWindow}): a number arriving twice here is a duplicate
 * a user would have seen. Written by the user's reader thread (a new one after a reconnect),
 * read at the end of the run.
 *
 * <p>Called Receipts until protocol 2.2 gave that word to the RECEIPT frame
 * ({@link io.loomchat.loadtest.receipts.ReceiptBatch}).
 */
final class Arrivals {

    enum Outcome { FIRST, REORDERED, DUPLICATE }

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final Map<Long, BitSet> seen = new HashMap<>();
    private final Map<Long, Long> highest = new HashMap<>();

    Outcome record(long streamKey, long number) {
        int bit = Math.toIntExact(number);
        lock.lock();
        try {
            BitSet numbers = seen.computeIfAbsent(streamKey, key -> new BitSet());
            if (numbers.get(bit)) {
                return Outcome.DUPLICATE;
            }
            numbers.set(bit);
            long top = highest.getOrDefault(streamKey, -1L);
            if (number < top) {
                return Outcome.REORDERED;
            }
            highest.put(streamKey, number);
            return Outcome.FIRST;
        } finally {
            lock.unlock();
        }
    }

    /** The numbers received from one stream (a copy). */
    BitSet of(long streamKey) {
        lock.lock();
        try {
            BitSet numbers = seen.get(streamKey);
            return numbers == null ? new BitSet() : (BitSet) numbers.clone();
        } finally {
            lock.unlock();
        }
    }
}
