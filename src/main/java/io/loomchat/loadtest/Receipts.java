package io.loomchat.loadtest;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What one simulated user received, per stream: which numbers, and the highest so far. Written
 * by the user's reader thread (a new one after a reconnect), read at the end of the run.
 */
final class Receipts {

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
