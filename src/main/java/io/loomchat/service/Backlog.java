package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The offline store's way into one session: the rows of the login ack, the pages of a
 * {@link BacklogPump}, the pushes of rows stored while the session lived, and the order between
 * them and live deliveries. It shares the session's lock and guards its own fields with it.
 *
 * <p>No lock is held across a read of the store. Instead, while the login ack is built and while
 * the last read of a backlog pump is made, deliveries are <em>held</em>: they wait on
 * {@link #released} (backpressure on their senders, as holding the lock across the reads was
 * before), and pushes are left to the holder, which reads again while any was left to it during
 * its read. While a pump runs, live chat goes to the store behind the backlog instead.
 */
final class Backlog {

    /** How long a delivery waits for a hold to end before it is refused (and stored). */
    private static final long HOLD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** How often a read of the store is made again when rows changed during it. */
    private static final int MAX_READS = 10;

    private final UserSession session;
    private final ReentrantLock lock;
    private final Condition released;
    private final StoredRows storedRows = new StoredRows();
    /** Deliveries wait while true. Guarded by lock. */
    private boolean held;
    /** While a backlog pump runs: live chat goes to the store. Written under lock. */
    private volatile boolean pumping;
    /** Pushes left to a hold or a pump: the one ending them reads again while this moves. Guarded by lock. */
    private long pushesSkipped;

    Backlog(UserSession session, ReentrantLock lock) {
        this.session = session;
        this.lock = lock;
        this.released = lock.newCondition();
    }

    /** Under lock. Whether live chat must go to the store now. */
    boolean pumping() {
        return pumping;
    }

    /** Under lock. Whether a pump or a hold keeps the store's rows and live deliveries in order now. */
    boolean busy() {
        return pumping || held;
    }

    /** Under lock: holds deliveries; returns the value to give {@link #releaseAfterRead}. */
    long holdLocked() {
        held = true;
        return pushesSkipped;
    }

    /** Holds deliveries, for the last read of a backlog pump; returns the value to give {@link #releaseAfterRead}. */
    long hold() {
        lock.lock();
        try {
            return holdLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: the session ends; deliveries waiting for it give up. */
    void endLocked() {
        pumping = false;
        held = false;
        released.signalAll();
    }

    /**
     * Under lock: waits out a hold; false when the session is not (or no longer) the recipient's,
     * or the wait timed out (the caller then stores the message).
     */
    boolean awaitRelease(int recipientId) {
        long left = HOLD_WAIT_NANOS;
        try {
            while (held && session.userId() == recipientId) {
                if (left <= 0) {
                    return false;
                }
                left = released.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return session.userId() == recipientId;
    }

    /**
     * Queues the login ack and the offline rows it carries, and starts pumping when more follow.
     * False when the session was ended meanwhile (the ack is then not sent).
     */
    boolean sendAck(int mailbox, ObjectNode ack, List<OfflineMessage> rows, OfflineMessageDao store,
                    CountDownLatch ackWritten, boolean morePending) {
        lock.lock();
        try {
            if (session.mailbox() != mailbox) {
                return false;
            }
            OutboundFrame.Callback whenWritten = storedRows.handOver(store, session, mailbox, session.unconfirmedLocked(), rows);
            session.send(ack, new BacklogPump.Counted(whenWritten, ackWritten));
            pumping = morePending;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues one page of a backlog pump's rows, those the session does not have yet; false when
     * the session is no longer {@code mailbox}'s or is closing.
     */
    boolean sendPage(int mailbox, List<OfflineMessage> rows, OfflineMessageDao store, CountDownLatch written) {
        lock.lock();
        try {
            if (session.mailbox() != mailbox) {
                return false;
            }
            Unconfirmed unconfirmed = session.unconfirmedLocked();
            for (OfflineMessage row : rows) {
                if (storedRows.has(row, unconfirmed)) {
                    written.countDown();
                    continue;
                }
                OutboundFrame frame = new OutboundFrame(Frames.backlogFrame(row.json()),
                        new BacklogPump.Counted(storedRows.handOver(store, session, mailbox, unconfirmed, List.of(row)), written));
                if (!session.queue(frame)) {
                    storedRows.notHandedOver(row, unconfirmed);
                    return false; // the connection is closing: the rest stays stored
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a hold without reading the store: the pump that starts now sends what waits. */
    void release() {
        lock.lock();
        try {
            held = false;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends pumping early (the rest stays stored for the next login) and any hold with it. */
    void stopPumping(int mailbox) {
        lock.lock();
        try {
            if (session.mailbox() == mailbox) {
                endLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends a hold, and pumping: sends, in order, what was stored for this session and that it
     * does not have yet, then lets deliveries through, in one step under the lock. The store is
     * read without the lock, while deliveries wait; a read during which a push was left to this
     * hold, or handed-over rows were settled, is made again. {@code readAnyway}: read even if no
     * push was left (a pump's rows may sit behind its position: put back with their old mids).
     */
    void releaseAfterRead(OfflineMessageDao store, int mailbox, long skippedAtHold, boolean readAnyway) {
        boolean read = readAnyway;
        long skippedBefore = skippedAtHold;
        List<Long> confirmedAgain = new ArrayList<>(0);
        try {
            for (int attempt = 1; ; attempt++) {
                long startedAt = storedRows.readStarts();
                read = read || skipped() != skippedAtHold;
                List<OfflineMessage> rows = read ? store.pendingFor(mailbox) : List.of();
                lock.lock();
                try {
                    if (session.mailbox() != mailbox) {
                        return;
                    }
                    boolean stale = pushesSkipped != skippedBefore;
                    List<OfflineMessage> fresh = storedRows.fresh(rows, startedAt, session.unconfirmedLocked(), confirmedAgain);
                    if ((stale || fresh == null) && attempt < MAX_READS) {
                        skippedBefore = pushesSkipped;
                        read = true;
                        continue;
                    }
                    if (fresh != null) {
                        sendStored(store, mailbox, fresh, false);
                    }
                    endLocked();
                    return;
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            stopPumping(mailbox); // after a failed read: deliveries go on, what is stored waits for the next login
            if (!confirmedAgain.isEmpty()) {
                store.delete(mailbox, confirmedAgain);
            }
        }
    }

    private long skipped() {
        lock.lock();
        try {
            return pushesSkipped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the stored messages of the session's mailbox that it has not been handed yet. For a
     * sender that stored a message offline just as the recipient logged in: the login ack may
     * have been built before the row existed, and without this the message would wait for the
     * next login. Left to the login (or pump) when one is sending the backlog: it reads again
     * before it lets deliveries through. A read during which handed-over rows were settled may
     * hold a row deleted meanwhile, and is made again (see {@link RowsInFlight}).
     */
    void push(OfflineMessageDao store) {
        List<Long> confirmedAgain = new ArrayList<>(0);
        int mailbox = session.mailbox();
        for (int attempt = 0; attempt < MAX_READS && mailbox != 0; attempt++) {
            if (leftToTheBacklog(mailbox)) {
                return;
            }
            long startedAt = storedRows.readStarts();
            List<OfflineMessage> rows = store.pendingFor(mailbox);
            lock.lock();
            try {
                if (session.mailbox() != mailbox || leftToTheBacklog(mailbox)) {
                    break;
                }
                List<OfflineMessage> fresh = storedRows.fresh(rows, startedAt, session.unconfirmedLocked(), confirmedAgain);
                if (fresh != null) {
                    sendStored(store, mailbox, fresh, true);
                    break;
                }
            } finally {
                lock.unlock();
            }
        }
        if (!confirmedAgain.isEmpty()) {
            store.delete(mailbox, confirmedAgain);
        }
    }

    /** Whether a hold or pump of {@code mailbox} takes pushes over now; counts the push it took over. */
    private boolean leftToTheBacklog(int mailbox) {
        lock.lock();
        try {
            if (session.mailbox() == mailbox && busy()) {
                pushesSkipped++;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: queues stored rows, recorded as handed over; a pushed row goes as stored, a backlog row marked offline. */
    private void sendStored(OfflineMessageDao store, int mailbox, List<OfflineMessage> rows, boolean asPushed) {
        Unconfirmed unconfirmed = session.unconfirmedLocked();
        for (OfflineMessage row : rows) {
            byte[] frame = asPushed ? row.json().getBytes(StandardCharsets.UTF_8) : Frames.backlogFrame(row.json());
            if (!session.queue(new OutboundFrame(frame, storedRows.handOver(store, session, mailbox, unconfirmed, List.of(row))))) {
                storedRows.notHandedOver(row, unconfirmed);
            }
        }
    }

    /** The rows are settled: deleted from the store, or given back undelivered. */
    void settled(List<Long> rowIds) {
        storedRows.settled(rowIds);
    }

    /** Waits until every row handed to the session is settled; gives up after {@code timeout}. */
    void awaitSettled(Duration timeout) {
        storedRows.awaitSettled(timeout);
    }
}
