package io.loomchat.client;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The mids of the latest chat messages this client has seen, so that a message delivered twice
 * is shown once. Protocol 2.2 allows repeats: a message whose RECEIPT had not reached the server
 * when the session ended comes again, with the same mid, at the next login.
 *
 * <p>The window is bounded because the repeats it must catch are recent: only what arrived in
 * the last second or so of a session can be unconfirmed when it ends. A repeat counts as seen
 * again, so it stays in the window while newer messages push older ones out.
 *
 * <p>Not thread-safe; {@link DeliveryReceipts} guards it.
 */
final class SeenMessages {

    /** Far more than a second of messages for one person, at under a megabyte of heap. */
    static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    /** Oldest first. */
    private final LinkedHashSet<Long> mids = new LinkedHashSet<>();

    SeenMessages(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the window of seen messages needs room for at least one mid, not "
                    + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Records {@code mid} as seen now.
     *
     * @return true the first time (within the window), false for a repeat
     */
    boolean firstSight(long mid) {
        if (mids.remove(mid)) {
            mids.add(mid);
            return false;
        }
        mids.add(mid);
        if (mids.size() > capacity) {
            Iterator<Long> oldest = mids.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }
}
