package io.loomchat.service;

import java.util.ArrayList;
import java.util.List;

/**
 * Messages by mid (a receipts session's unconfirmed ones, see {@link Unconfirmed}; or mids alone,
 * see {@link RecentMids}): an open-addressing hash table over
 * parallel arrays (linear probing, deletion by backward shift), so that the hot path of group
 * chat (an insert for every delivery, a lookup and a removal for every confirmed mid) allocates
 * nothing per message. A {@code LinkedHashMap<Long, Message>} cost three objects per delivery,
 * and with group chat's thousands of inserts and removals a second per server its lookups were
 * the largest item of the server's CPU profile (loadtest/results/2026-12-03-receipts.md). Not
 * thread-safe: the session's lock guards it.
 */
final class MidTable {

    /** Mid 0 is never handed out (mids start from the milliseconds since 2024), so it marks a free slot. */
    private static final long FREE = 0;
    private static final int MIN_CAPACITY = 16;
    /**
     * An empty table shares these one-slot arrays, never written (the first add allocates), so
     * that a session that has nothing unconfirmed holds no 16-slot arrays: 370 bytes a session,
     * 7 MB at 20,000 idle clients.
     */
    private static final long[] NO_MIDS = new long[1];
    private static final byte[][] NO_FRAMES = new byte[1][];
    private static final long[] NO_ROW_IDS = new long[1];

    private long[] mids;
    private byte[][] frames;
    private long[] rowIds;
    private int size;

    MidTable() {
        release();
    }

    int size() {
        return size;
    }

    /** Adds a message unless its mid is here already; false in that case. */
    boolean add(long mid, byte[] frame, long rowId) {
        if (mid == FREE) {
            throw new IllegalArgumentException("mid 0");
        }
        if (mids == NO_MIDS) {
            allocate(MIN_CAPACITY);
        } else if ((size + 1) * 4 > mids.length * 3) {
            resize(mids.length * 2);
        }
        int slot = slotOf(mid);
        if (mids[slot] == mid) {
            return false;
        }
        mids[slot] = mid;
        frames[slot] = frame;
        rowIds[slot] = rowId;
        size++;
        return true;
    }

    boolean contains(long mid) {
        return mid != FREE && mids[slotOf(mid)] == mid;
    }

    /** The offline-store row of a message here (0 for a live one); -1 when the mid is not here. */
    long rowIdOf(long mid) {
        if (mid == FREE) {
            return -1;
        }
        int slot = slotOf(mid);
        return mids[slot] == mid ? rowIds[slot] : -1;
    }

    /** The frame of a live message here; null for one from the offline store, or a mid not here. */
    byte[] frameOf(long mid) {
        if (mid == FREE) {
            return null;
        }
        int slot = slotOf(mid);
        return mids[slot] == mid ? frames[slot] : null;
    }

    void remove(long mid) {
        if (mid == FREE) {
            return;
        }
        int slot = slotOf(mid);
        if (mids[slot] != mid) {
            return;
        }
        size--;
        // Backward shift: move later members of the probe run into the hole, so that lookups
        // never need tombstones.
        int mask = mids.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; mids[next] != FREE; next = (next + 1) & mask) {
            int home = home(mids[next]);
            boolean movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
            if (movable) {
                mids[hole] = mids[next];
                frames[hole] = frames[next];
                rowIds[hole] = rowIds[next];
                hole = next;
            }
        }
        mids[hole] = FREE;
        frames[hole] = null;
        rowIds[hole] = 0;
    }

    /** Every message here, oldest first, and the table emptied. */
    List<Unconfirmed.Message> drain() {
        List<Unconfirmed.Message> all = new ArrayList<>(size);
        for (int slot = 0; slot < mids.length; slot++) {
            if (mids[slot] != FREE) {
                all.add(new Unconfirmed.Message(mids[slot], frames[slot], rowIds[slot]));
            }
        }
        all.sort((a, b) -> Long.compare(a.mid(), b.mid()));
        release();
        return all;
    }

    /** The slot holding {@code mid}, or the free slot where it would go. */
    private int slotOf(long mid) {
        int mask = mids.length - 1;
        int slot = home(mid);
        while (mids[slot] != FREE && mids[slot] != mid) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    /**
     * A mid packs milliseconds, node and sequence; its low bits alone take few values within a
     * second. MurmurHash3's 64-bit finalizer makes every bit of the index depend on all of them.
     */
    private int home(long mid) {
        long k = mid;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return (int) k & (mids.length - 1);
    }

    private void resize(int capacity) {
        long[] oldMids = mids;
        byte[][] oldFrames = frames;
        long[] oldRowIds = rowIds;
        allocate(capacity);
        for (int slot = 0; slot < oldMids.length; slot++) {
            if (oldMids[slot] != FREE) {
                int target = slotOf(oldMids[slot]);
                mids[target] = oldMids[slot];
                frames[target] = oldFrames[slot];
                rowIds[target] = oldRowIds[slot];
                size++;
            }
        }
    }

    private void release() {
        mids = NO_MIDS;
        frames = NO_FRAMES;
        rowIds = NO_ROW_IDS;
        size = 0;
    }

    private void allocate(int capacity) {
        mids = new long[capacity];
        frames = new byte[capacity][];
        rowIds = new long[capacity];
        size = 0;
    }
}
