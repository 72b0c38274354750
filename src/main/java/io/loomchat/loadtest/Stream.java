package io.loomchat.loadtest;

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
 * takes one permit per recipient for each message and every first delivery gives one back.
 * With window 1 that is the classic benchmark's closed loop (the next message leaves when the
 * previous one has arrived).
 */
final class Stream {

    /** Send times of the last messages, by number, for the ACK latency (the ACK has no text). */
    private static final int SEND_TIMES = 4096;

    final SimUser sender;
    /** The partner's user id, or the group id. */
    final int destination;
    final boolean group;
    final List<SimUser> recipients;

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

    Stream(SimUser sender, int destination, boolean group, List<SimUser> recipients, int window) {
        this.sender = sender;
        this.destination = destination;
        this.group = group;
        this.recipients = List.copyOf(recipients);
        this.window = new Semaphore(window * Math.max(1, recipients.size()));
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
            window.acquire(Math.max(1, recipients.size()));
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
        window.release(Math.max(1, recipients.size()));
    }

    /** Numbers the next message and notes when it left. */
    long nextNumber(long nowNanos) {
        long number = next.getAndIncrement();
        sendTimes.set((int) (number % SEND_TIMES), nowNanos);
        lock.lock();
        try {
            sent.set(Math.toIntExact(number));
        } finally {
            lock.unlock();
        }
        return number;
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
        window.release(Math.max(1, recipients.size()));
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
