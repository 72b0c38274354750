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
 * <p>Order: while the pump runs, chat for this user goes to the store (see
 * {@link UserSession#startPumping}), behind the backlog, and the pump sends it too. Pages go by
 * mid, oldest first. A row can appear behind the pump's position (unconfirmed messages of
 * 2.2 are put back with their old mids), so once the pages run out the pump sends, in order,
 * whatever is stored and not yet with the session. That last read and the end of pumping happen
 * under the session lock together, so a message stored just then is either sent by the pump or
 * delivered live after it.
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
                CountDownLatch page = session.exclusive(this::queueNextPage);
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
     * Under the session lock: queues the next page and returns a latch that opens once it is
     * written (or given back); null when the backlog is done or the session is no longer the user's.
     */
    private CountDownLatch queueNextPage() {
        if (session.mailbox() != mailbox) {
            return null;
        }
        List<OfflineMessage> messages = store.pendingFor(mailbox, lastMid, pageSize);
        if (messages.isEmpty()) {
            List<OfflineMessage> behind = store.pendingFor(mailbox);
            session.stopPumping();
            send(behind, new CountDownLatch(behind.size()));
            return null;
        }
        List<OfflineMessage> page = withinBytes(messages);
        lastMid = page.get(page.size() - 1).mid();
        return send(page, new CountDownLatch(page.size()));
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

    /** Queues the rows the session does not have yet; null when the connection is closing. */
    private CountDownLatch send(List<OfflineMessage> messages, CountDownLatch written) {
        for (OfflineMessage message : messages) {
            if (session.isHandedOver(message)) {
                written.countDown();
                continue;
            }
            OutboundFrame frame = new OutboundFrame(Frames.backlogFrame(message.json()),
                    new Counted(session.handOver(store, List.of(message)), written));
            if (!session.sendAs(mailbox, frame)) {
                session.notHandedOver(message);
                return null; // the connection is closing: the rest stays stored
            }
        }
        return written;
    }

    private void stop() {
        session.exclusive(() -> {
            if (session.mailbox() == mailbox) {
                session.stopPumping();
            }
            return null;
        });
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
