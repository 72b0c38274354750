package io.loomchat.service;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Cluster-wide unique, per-node increasing 64-bit message ids: 41 bits of milliseconds since
 * {@link #EPOCH_MILLIS}, 10 bits of node id, 12 bits of sequence. A burst of more than 4,096
 * ids in one millisecond borrows from the next millisecond rather than repeating or waiting,
 * so ids stay increasing even if the wall clock steps back.
 */
final class MessageIds {

    static final int MAX_NODE_ID = 1_023;
    /** 2024-01-01T00:00:00Z: the 41-bit clock lasts until 2093. */
    static final long EPOCH_MILLIS = 1_704_067_200_000L;
    private static final int SEQUENCE_BITS = 12;
    private static final int NODE_BITS = 10;

    private final long nodeBits;
    /** (milliseconds << SEQUENCE_BITS) | sequence of the last id handed out. */
    private final AtomicLong last = new AtomicLong();

    MessageIds(int nodeId) {
        this.nodeBits = (long) nodeId << SEQUENCE_BITS;
    }

    /** The wall-clock time (epoch ms) at which a message id was handed out. */
    static long millisOf(long mid) {
        return (mid >>> (SEQUENCE_BITS + NODE_BITS)) + EPOCH_MILLIS;
    }

    /**
     * The lowest id handed out at or after {@code epochMillis} by any node: every message older
     * than that moment has a smaller id (history retention deletes below it).
     */
    static long firstMidAt(long epochMillis) {
        return Math.max(0, epochMillis - EPOCH_MILLIS) << (SEQUENCE_BITS + NODE_BITS);
    }

    long next() {
        long now = (System.currentTimeMillis() - EPOCH_MILLIS) << SEQUENCE_BITS;
        long clock = last.accumulateAndGet(now, (previous, candidate) -> Math.max(previous + 1, candidate));
        long millis = clock >>> SEQUENCE_BITS;
        long sequence = clock & ((1L << SEQUENCE_BITS) - 1);
        return millis << (SEQUENCE_BITS + NODE_BITS) | nodeBits | sequence;
    }
}
