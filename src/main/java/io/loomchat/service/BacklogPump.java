package io.loomchat.service;

import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the offline messages that did not fit in the login ack (protocol 2.1, "pending"), one
 * page at a time, on a virtual thread of its own, and waits for each page to be written before
 * reading the next, so that a large backlog never floods the connection's queue.
 *
 * <p>Order: while the pump runs, chat for this session goes to the store, behind the backlog,
 * and the pump sends it too. Pages go by mid, oldest first. A row can appear behind the pump's
 * position (unconfirmed messages of 2.2 are put back with their old mids), so once the pages run
 * out the pump sends, in order, whatever is stored and not yet with the session. Deliveries are
 * held during that last read and the end of pumping, so a message stored just then is either
 * sent by the pump or delivered live after it.
 */
final class BacklogPump implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogPump.class);
    /** How long one page may take to be written before the pump gives up (the rest stays stored). */
    private static final long PAGE_TIMEOUT_SECONDS = 60;
    /**
     * Bytes of frames queued at once, at most (a page ends early when its messages are large):
     * with 4 KB messages a page of 200 is 800 KB, more than a connection's queue may be
     * configured to hold, and a full queue disconnects the client.
     */
    static final int PAGE_MAX_BYTES = 128 * 1024;

    private final UserSession session;
    private final OfflineMessageDao store;
    /** The session's mailbox: whose stored messages these are. */
    private final int mailbox;
    private final int pageSize;
    /** The mid of the last row sent: pages continue after it. */
    private long lastMid;

    /** Opens once the login ack has been written (or given up): the pages follow it, never beside it in the queue. */
    private final CountDownLatch ackWritten;

    BacklogPump(UserSession session, OfflineMessageDao store, int mailbox, int pageSize, long lastMid,
                CountDownLatch ackWritten) {
        this.ackWritten = ackWritten;
        this.session = session;
        this.store = store;
        this.mailbox = mailbox;
        this.pageSize = Math.max(1, pageSize);
        this.lastMid = lastMid;
    }

    void start() {
        Thread.ofVirtual().name("loomchat-backlog-" + mailbox).start(this);
    }

    @Override
    public void run() {
        try {
            if (!ackWritten.await(PAGE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.info("mailbox {}: the login ack took over {} s to write; the backlog waits for the next login",
                        mailbox, PAGE_TIMEOUT_SECONDS);
                stop();
                return;
            }
            while (true) {
                CountDownLatch page = queueNextPage();
                if (page == null) {
                    return;
                }
                if (!page.await(PAGE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    LOG.info("mailbox {}: a backlog page took over {} s to write; the rest waits for the next login",
                            mailbox, PAGE_TIMEOUT_SECONDS);
                    stop();
                    return;
                }
            }
        } catch (InterruptedException e) {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("mailbox {}: sending the offline backlog failed; the rest waits for the next login: {}",
                    mailbox, e.getMessage());
            stop();
        }
    }

    /**
     * Queues the next page and returns a latch that opens once it is written (or given back);
     * null when the backlog is done or the session is no longer this mailbox's. The page is read
     * without the session lock; the last read holds deliveries instead (see
     * {@link Backlog#releaseAfterRead}).
     */
    private CountDownLatch queueNextPage() {
        if (session.mailbox() != mailbox) {
            return null;
        }
        List<OfflineMessage> messages = store.pendingFor(mailbox, lastMid, pageSize);
        if (messages.isEmpty()) {
            session.backlog().releaseAfterRead(store, mailbox, session.backlog().hold(), true);
            return null;
        }
        List<OfflineMessage> page = withinBytes(messages);
        lastMid = page.get(page.size() - 1).mid();
        CountDownLatch written = new CountDownLatch(page.size());
        return session.backlog().sendPage(mailbox, page, store, written) ? written : null;
    }

    /** The first messages of a page that fit in {@link #PAGE_MAX_BYTES} (at least one). */
    private static List<OfflineMessage> withinBytes(List<OfflineMessage> messages) {
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            bytes += messages.get(i).json().length(); // chars: close enough to bytes for a budget
            if (bytes > PAGE_MAX_BYTES && i > 0) {
                return messages.subList(0, i);
            }
        }
        return messages;
    }

    private void stop() {
        session.backlog().stopPumping(mailbox);
    }

    /** Runs the frame's own callback, then counts the frame as settled for its page. */
    record Counted(OutboundFrame.Callback callback, CountDownLatch page) implements OutboundFrame.Callback {
        @Override
        public void written() {
            try {
                callback.written();
            } finally {
                page.countDown();
            }
        }

        @Override
        public void undelivered() {
            try {
                callback.undelivered();
            } finally {
                page.countDown();
            }
        }
    }
}
