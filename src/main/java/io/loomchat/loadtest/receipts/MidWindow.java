package io.loomchat.loadtest.receipts;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mids one simulated user got last, so that a chat frame delivered again is dropped as a
 * protocol 2.2 client drops it (PROTOCOL.md: an unconfirmed message may arrive twice; clients
 * drop repeats by {@code mid}). Bounded, as a real client's must be: two generations of at most
 * {@link #GENERATION} mids; when the newer one is full the older is forgotten, so between the
 * last {@code GENERATION} and {@code 2 x GENERATION} mids are remembered. A repeat older than
 * that escapes, and the ledger's {@link io.loomchat.loadtest.sim.Arrivals} then counts it as a
 * duplicate shown to a user.
 *
 * <p>Primitive open addressing rather than a {@code Set<Long>}: this runs for every chat frame
 * the generator reads, on the cores the server it measures also uses. Tables start small and
 * grow, since most users of a large run get few messages.
 *
 * <p>Used by the user's reader thread; the lock is for the rare frame of a connection being
 * replaced (uncontended otherwise).
 */
public final class MidWindow {

    /**
     * Mids per generation. What comes again is what was unconfirmed when a session ended: at most
     * about one flush interval of {@link ReceiptFlusher} plus the messages in flight, far fewer
     * than this for any rate this generator reaches per user.
     */
    static final int GENERATION = 1_024;
    private static final int FIRST_CAPACITY = 16;
    private static final long[] NONE = new long[0];

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private LongSet newer = new LongSet();
    private LongSet older = new LongSet();

    /**
     * True the first time {@code mid} (never 0) is seen within the window; false for a repeat,
     * which is remembered afresh so that a third copy is dropped too.
     */
    public boolean firstTime(long mid) {
        lock.lock();
        try {
            if (newer.contains(mid)) {
                return false;
            }
            boolean repeat = older.contains(mid);
            if (newer.size == GENERATION) {
                LongSet forgotten = older;
                older = newer;
                forgotten.clear();
                newer = forgotten;
            }
            newer.add(mid);
            return !repeat;
        } finally {
            lock.unlock();
        }
    }

    /** A set of longs other than 0 (the empty slot) with linear probing; no removal but clear(). */
    private static final class LongSet {
        /** Allocated at the first mid: a user who never gets a message costs two empty objects. */
        private long[] slots = NONE;
        private int size;

        boolean contains(long value) {
            if (size == 0) {
                return false;
            }
            int mask = slots.length - 1;
            for (int i = slot(value, mask); ; i = (i + 1) & mask) {
                long here = slots[i];
                if (here == value) {
                    return true;
                }
                if (here == 0) {
                    return false;
                }
            }
        }

        /** Adds a value known to be absent. */
        void add(long value) {
            if ((size + 1) * 2 > slots.length) {
                grow();
            }
            insert(slots, value);
            size++;
        }

        void clear() {
            Arrays.fill(slots, 0L);
            size = 0;
        }

        private void grow() {
            long[] bigger = new long[Math.max(FIRST_CAPACITY, slots.length * 2)];
            for (long value : slots) {
                if (value != 0) {
                    insert(bigger, value);
                }
            }
            slots = bigger;
        }

        private static void insert(long[] table, long value) {
            int mask = table.length - 1;
            int i = slot(value, mask);
            while (table[i] != 0) {
                i = (i + 1) & mask;
            }
            table[i] = value;
        }

        /** Fibonacci hashing: mids of one sender differ in their low bits only. */
        private static int slot(long value, int mask) {
            return (int) ((value * 0x9E3779B97F4A7C15L) >>> 40) & mask;
        }
    }
}
