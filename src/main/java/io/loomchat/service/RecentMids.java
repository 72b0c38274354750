package io.loomchat.service;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} mids added, for membership tests; the oldest one goes when a new one
 * comes. Starts small and grows as mids arrive: most receipts sessions confirm little, and a
 * server holds thousands of them. Not thread-safe: the session's lock guards it.
 */
final class RecentMids {

    private static final int INITIAL_SLOTS = 64;

    private final int capacity;
    /** Null until the first mid. */
    private MidTable present;
    /** The mids in the order added, a ring: {@code count} of them from {@code oldest}. */
    private long[] ring;
    private int oldest;
    private int count;

    RecentMids(int capacity) {
        this.capacity = capacity;
    }

    void add(long mid) {
        if (present == null) {
            present = new MidTable();
            ring = new long[Math.min(INITIAL_SLOTS, capacity)];
        }
        if (!present.add(mid, null, 0)) {
            return;
        }
        if (count == ring.length && ring.length < capacity) {
            grow();
        }
        if (count == ring.length) {
            present.remove(ring[oldest]);
            ring[oldest] = mid;
            oldest = (oldest + 1) % ring.length;
        } else {
            ring[(oldest + count) % ring.length] = mid;
            count++;
        }
    }

    boolean contains(long mid) {
        return present != null && present.contains(mid);
    }

    List<Long> all() {
        List<Long> mids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            mids.add(ring[(oldest + i) % ring.length]);
        }
        return mids;
    }

    private void grow() {
        long[] larger = new long[Math.min(capacity, ring.length * 2)];
        for (int i = 0; i < count; i++) {
            larger[i] = ring[(oldest + i) % ring.length];
        }
        ring = larger;
        oldest = 0;
    }
}
