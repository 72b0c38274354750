package io.loomchat.loadtest.sim;

import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sender's conversation with one destination: a partner (one-to-one) or a group. Messages
 * are numbered 0, 1, 2... in the order they are written; the number and the send time travel
 * in the message text, so a recipient can tell a loss, a duplicate and a reordering apart.
 *
 * <p>The window counts deliveries, not acks, because the classic dialect has no ACK: a sender
 * takes one permit per copy of each message ({@link #copies}: one per recipient device, and with
 * --devices above 1 one per carbon to the sender's other devices) and every first delivery to a
 * device gives one back. With window 1 that is the classic benchmark's closed loop (the next
 * message leaves when the previous one has arrived, on every device).
 *
 * <p>With several devices per user, the sender's devices take turns; which device sent which
 * number is kept, since the carbons of a message are owed to the sender's devices but that one.
 */
public final class Stream {

    /** Send times of the last messages, by number, for the ACK latency (the ACK has no text). */
    private static final int SEND_TIMES = 4096;

    final SimUser sender;
    /** The partner's user id, or the group id. */
    final int destination;
    final boolean group;
    final List<SimUser> recipients;
    /** Copies the server owes of each message: every device of every recipient, and the sender's other devices. */
    final int copies;

    private final AtomicLong next = new AtomicLong();
    /** Written by the sender, read by its reader thread when the ACK comes. */
    private final AtomicLongArray sendTimes = new AtomicLongArray(SEND_TIMES);
    private final Semaphore window;
    /** When the sender started waiting for room in the window, or 0 while it is not waiting. */
    private volatile long waitingSince;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock: numbers written to the socket, and numbers the server acknowledged. */
    private final BitSet sent = new BitSet();
    private final BitSet acked = new BitSet();
    /** Guarded by lock: the numbers each of the sender's devices wrote; empty with one device per user. */
    private final BitSet[] sentFrom;

    Stream(SimUser sender, int destination, boolean group, List<SimUser> recipients, int window) {
        this.sender = sender;
        this.destination = destination;
        this.group = group;
        this.recipients = List.copyOf(recipients);
        int devices = sender.devices().size();
        this.copies = Math.max(1, recipients.stream().mapToInt(r -> r.devices().size()).sum() + devices - 1);
        this.window = new Semaphore(window * copies);
        this.sentFrom = new BitSet[devices > 1 ? devices : 0];
        for (int d = 0; d < sentFrom.length; d++) {
            sentFrom[d] = new BitSet();
        }
    }

    /** Ledger key: one-to-one streams have group 0 (each user has one fixed partner). */
    static long key(int senderId, int groupId) {
        return ((long) senderId << 32) | (groupId & 0xffffffffL);
    }

    long key() {
        return key(sender.id(), group ? destination : 0);
    }

    /**
     * Waits for room in the window, without a timeout: a timed wait arms and cancels a timer in
     * the virtual-thread scheduler for every message, which in a closed loop cost the load
     * generator more than the server it measures. {@link Senders} ends a wait that takes too
     * long with {@link #unstickIfWaitingSince}.
     */
    void awaitWindow() throws InterruptedException {
        waitingSince = System.nanoTime() | 1; // never 0, which means "not waiting"
        try {
            window.acquire(copies);
        } finally {
            waitingSince = 0;
        }
    }

    /**
     * If the sender has been waiting for room since before {@code deadline} ({@link
     * System#nanoTime}), gives the messages in flight up (see {@link #forceWindow}) so that it
     * goes on; true when it did.
     */
    boolean unstickIfWaitingSince(long deadline) {
        long since = waitingSince;
        if (since == 0 || since - deadline >= 0) {
            return false;
        }
        waitingSince = System.nanoTime() | 1;
        forceWindow();
        return true;
    }

    /** Wakes the sender if it is waiting for room, at the end of the run. */
    void wakeIfWaiting() {
        if (waitingSince != 0) {
            forceWindow();
        }
    }

    /** After a timeout: the messages in flight are given up on (the end of run accounting still counts them). */
    void forceWindow() {
        window.release(copies);
    }

    /** Numbers the next message, sent from the sender's device {@code device}, and notes when it left. */
    long nextNumber(long nowNanos, int device) {
        long number = next.getAndIncrement();
        sendTimes.set((int) (number % SEND_TIMES), nowNanos);
        int bit = Math.toIntExact(number);
        lock.lock();
        try {
            sent.set(bit);
            if (sentFrom.length > 0) {
                sentFrom[device].set(bit);
            }
        } finally {
            lock.unlock();
        }
        return number;
    }

    /** The sender's device that wrote message {@code number}: 0 with one device per user, -1 if none did. */
    int senderDevice(long number) {
        if (sentFrom.length == 0) {
            return 0;
        }
        int bit = Math.toIntExact(number);
        lock.lock();
        try {
            for (int d = 0; d < sentFrom.length; d++) {
                if (sentFrom[d].get(bit)) {
                    return d;
                }
            }
            return -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The numbers whose carbon the server owes the sender's device {@code device}: those owed to
     * every recipient but the ones that device sent itself. Empty with one device per user.
     */
    BitSet carbonsOwed(boolean acknowledgedDialect, int device) {
        if (sentFrom.length == 0) {
            return new BitSet();
        }
        lock.lock();
        try {
            BitSet owed = (BitSet) (acknowledgedDialect ? acked : sent).clone();
            owed.andNot(sentFrom[device]);
            return owed;
        } finally {
            lock.unlock();
        }
    }

    long sentCount() {
        return next.get();
    }

    /** The send time of a recent message, or -1 when it has been overwritten by later ones. */
    long sendTime(long number) {
        return next.get() - number <= SEND_TIMES ? sendTimes.get((int) (number % SEND_TIMES)) : -1;
    }

    void acknowledged(long number) {
        lock.lock();
        try {
            acked.set(Math.toIntExact(number));
        } finally {
            lock.unlock();
        }
    }

    /** The server refused the message: nobody will receive it, so its permits come back now. */
    void refused() {
        window.release(copies);
    }

    void deliveredOnce() {
        window.release();
    }

    /** The numbers the server owes every recipient: acknowledged ones, or all sent in the classic dialect. */
    BitSet owed(boolean acknowledgedDialect) {
        lock.lock();
        try {
            return (BitSet) (acknowledgedDialect ? acked : sent).clone();
        } finally {
            lock.unlock();
        }
    }

    BitSet sent() {
        lock.lock();
        try {
            return (BitSet) sent.clone();
        } finally {
            lock.unlock();
        }
    }
}
