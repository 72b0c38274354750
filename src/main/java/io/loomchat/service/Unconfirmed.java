package io.loomchat.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The chat messages handed to one receipts session (protocol 2.2) and not confirmed yet. This is
 * the working copy: it decides, when the session ends,
 * what goes back to the offline store. The copy that outlives the server is the cluster's
 * {@link io.loomchat.cluster.Inbox}. Not thread-safe: the session guards it with its lock.
 */
final class Unconfirmed {

    /**
     * Unconfirmed messages one session may hold. A client confirms at least once a second, so
     * only a client that has stopped confirming (or reading) gets here; it is treated like one
     * that stopped reading: disconnected, its messages stored for its next login.
     */
    static final int MAX_MESSAGES = 10_000;

    /**
     * One message handed over.
     *
     * @param frame  a live message's frame as delivered, terminator included; null for one from
     *               the offline store (it is kept there, so nothing needs its text)
     * @param rowId  its offline-store row when it came from there (it stays stored until
     *               confirmed), 0 for a live message
     */
    record Message(long mid, byte[] frame, long rowId) {
        /** The frame as stored offline: without its terminator. Live messages only. */
        String json() {
            return Frames.storedJson(frame);
        }
    }

    /**
     * What a receipt confirmed: the offline rows to delete and the mids whose copies to drop; and
     * the frames of the live ones among them (protocol 2.3: DELIVERED tells their senders).
     */
    record Confirmed(List<Long> rowIds, List<Long> mids, List<byte[]> liveFrames) {
        static final Confirmed NONE = new Confirmed(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return mids.isEmpty();
        }
    }

    private final MidTable byMid = new MidTable();
    /**
     * How many confirmed mids a session remembers. A message can be in the offline store as well
     * as delivered live (a forward that Redis ran but whose reply was lost is stored by its sender
     * too); once the live copy is confirmed, the stored one must not be sent, nor left for the
     * next login.
     */
    static final int RECENTLY_CONFIRMED = 4_096;
    private final RecentMids recentlyConfirmed = new RecentMids(RECENTLY_CONFIRMED);
    /**
     * Confirmed, but the cluster could not be told yet (Redis away): their copies must be neither
     * delivered again nor put back, and are dropped with the next receipt.
     */
    private final Set<Long> notErased = new HashSet<>();

    /**
     * Whether messages were stored for this session's mailbox while it lived: then a stored copy
     * of a message it confirmed live may exist, and is deleted when the session ends.
     */
    private boolean storedMeanwhile;

    void storedMeanwhile() {
        storedMeanwhile = true;
    }

    boolean wasStoredMeanwhile() {
        return storedMeanwhile;
    }

    /** False when the session holds too many already ({@link #MAX_MESSAGES}). */
    boolean add(long mid, byte[] frame, long rowId) {
        if (byMid.size() >= MAX_MESSAGES && !byMid.contains(mid)) {
            return false;
        }
        byMid.add(mid, frame, rowId);
        return true;
    }

    /**
     * What the given mids confirm: the ones this session holds (unknown and repeated mids are
     * ignored), still held until {@link #forget}.
     */
    Confirmed peek(long[] mids) {
        long[] sorted = mids.clone(); // sorted, a mid repeated in one receipt is next to itself
        Arrays.sort(sorted);
        List<Long> rowIds = new ArrayList<>(0);
        List<Long> confirmed = new ArrayList<>(sorted.length);
        List<byte[]> frames = new ArrayList<>(sorted.length);
        for (int i = 0; i < sorted.length; i++) {
            long mid = sorted[i];
            long rowId = i > 0 && sorted[i - 1] == mid ? -1 : byMid.rowIdOf(mid);
            if (rowId >= 0) {
                confirmed.add(mid);
                if (rowId != 0) {
                    rowIds.add(rowId);
                } else {
                    byte[] frame = byMid.frameOf(mid);
                    if (frame != null) {
                        frames.add(frame);
                    }
                }
            }
        }
        return new Confirmed(rowIds, confirmed, frames);
    }

    void forget(List<Long> mids) {
        mids.forEach(byMid::remove);
    }

    /** The client confirmed these: forget them, and remember them a while (see {@link #RECENTLY_CONFIRMED}). */
    void confirmed(List<Long> mids) {
        for (long mid : mids) {
            byMid.remove(mid);
            recentlyConfirmed.add(mid);
        }
    }

    boolean wasConfirmed(long mid) {
        return recentlyConfirmed.contains(mid);
    }

    /** The mids confirmed lately, for the clean-up of stored copies when the session ends. */
    List<Long> recentlyConfirmed() {
        return recentlyConfirmed.all();
    }

    boolean contains(long mid) {
        return byMid.contains(mid);
    }

    /** Whether this session confirmed the message (and its copy may not be dropped yet). */
    boolean isConfirmedButNotErased(long mid) {
        return notErased.contains(mid);
    }

    void notErased(List<Long> mids) {
        notErased.addAll(mids);
    }

    /** The confirmed mids whose copies are still to be dropped; forgets them. */
    List<Long> takeNotErased() {
        List<Long> mids = List.copyOf(notErased);
        notErased.clear();
        return mids;
    }

    /** Hands back every unconfirmed message (oldest first) and forgets them all. */
    List<Message> drain() {
        return byMid.drain();
    }

    int size() {
        return byMid.size();
    }
}
