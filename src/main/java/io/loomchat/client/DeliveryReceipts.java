package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Delivery receipts (PROTOCOL.md, "Version 2.2 additions: delivery receipts"): which chat frames
 * to show, and the RECEIPT frames that confirm them to the server.
 *
 * <ul>
 *   <li>A chat frame is shown the first time its mid arrives and never again while the mid is
 *       in the {@link SeenMessages} window. The window belongs to the process, not to a
 *       connection: what the server delivers again after a reconnect is dropped.</li>
 *   <li>In a receipts session (the login ack said {@code "receipts": true}) the mid of every
 *       chat frame handled, shown or dropped as a repeat, is queued, and the queue goes out in
 *       RECEIPTs of at most {@value #MAX_MIDS_PER_RECEIPT} mids: every {@link #FLUSH_INTERVAL}
 *       while it is not empty, and at once in {@link #end()}.</li>
 *   <li>A receipts session lives on one connection. RECEIPTs never go to the next connection
 *       before it has logged in (the server would refuse them with errno 3), and when the
 *       connection breaks the queue is dropped: the server delivers what it did not confirm
 *       again, and the window drops the repeats.</li>
 *   <li>A RECEIPT the server refuses with errno 10 ("send the receipt again") is sent again
 *       after a pause that grows while the refusals go on, until one goes through or the
 *       session ends ({@link ReceiptResends}, which also says how a refusal is matched).</li>
 *   <li>Once {@link #end()} has confirmed everything shown (LOGINOUT or quit is on its way),
 *       chat frames of that session are neither shown nor confirmed: the server keeps them for
 *       the next login. So whatever this client showed, it confirmed.</li>
 * </ul>
 *
 * <p>Threads: {@link #handle}, {@link #started}, {@link #stopped} and {@link #answered} run on
 * the connection thread; the flusher on the timer thread; {@link #end()}
 * on the user's thread.
 */
final class DeliveryReceipts implements AutoCloseable {

    /** PROTOCOL.md: 1 to 1,000 mids per RECEIPT. */
    static final int MAX_MIDS_PER_RECEIPT = 1_000;
    /** PROTOCOL.md asks for a RECEIPT at least once a second; checking twice as often leaves room for a late timer. */
    static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);

    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Held from the choice of what to show until the mids are queued ({@link #handle}), and by
     * {@link #end()}: a frame printed just before quit is queued before {@link #end()} drains the
     * queue, not after (a script that reads the line and types quit at once would otherwise leave
     * it unconfirmed, and get it again at the next login).
     */
    private final ReentrantLock handling = new ReentrantLock();
    /**
     * Held by whoever sends RECEIPTs, for as long as it sends, so that {@link #end()} returns only
     * after a flush the timer had begun is on the wire (else LOGINOUT could overtake it). The
     * connection thread never takes it: it must go on reading while a write is stuck.
     */
    private final ReentrantLock sendLock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final SeenMessages seen;
    /** Guarded by {@link #lock}: mids handled and not sent yet, in the order they came. */
    private final LinkedHashSet<Long> unconfirmed = new LinkedHashSet<>();
    /** Guarded by {@link #lock}: RECEIPTs sent, and the mids of those refused, to send again. */
    private final ReceiptResends resends = new ReceiptResends();
    /** Guarded by {@link #lock}: the connection of the receipts session, {@code null} when there is none. */
    private ServerLink session;
    /** Guarded by {@link #lock}: {@link #end()} was called for {@link #session}. */
    private boolean ending;
    private final ScheduledFuture<?> flusher;

    DeliveryReceipts(SeenMessages seen, ScheduledExecutorService timer) {
        this(seen, timer, FLUSH_INTERVAL);
    }

    /** With another flush interval: tests that count frames flush by hand and keep the timer out. */
    DeliveryReceipts(SeenMessages seen, ScheduledExecutorService timer, Duration flushInterval) {
        this.seen = seen;
        long period = flushInterval.toMillis();
        this.flusher = timer.scheduleWithFixedDelay(this::flush, period, period, TimeUnit.MILLISECONDS);
    }

    /** A login ack said {@code "receipts": true}: the session on {@code link} confirms what it gets. */
    void started(ServerLink link) {
        lock.lock();
        try {
            session = link;
            ending = false;
            unconfirmed.clear();
            resends.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * There is no receipts session (any more): the user logged out, the connection broke, or the
     * server is older than 2.2. What was not confirmed yet, the server delivers again.
     */
    void stopped() {
        lock.lock();
        try {
            session = null;
            ending = false;
            unconfirmed.clear();
            resends.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands {@code show} the chat frames to show, the first sight of each, and then queues every
     * frame's mid for the next RECEIPT, shown or not, and also when {@code show} throws (the
     * caller then shows the raw frames instead).
     */
    void handle(List<JsonNode> chats, Consumer<List<JsonNode>> show) {
        handling.lock();
        try {
            List<JsonNode> unseen = new ArrayList<>(chats.size());
            for (JsonNode chat : chats) {
                if (toShow(chat)) {
                    unseen.add(chat);
                }
            }
            try {
                show.accept(unseen);
            } finally {
                chats.forEach(this::handled);
            }
        } finally {
            handling.unlock();
        }
    }

    /**
     * Whether to show a chat frame: false for a repeat, and for the frames of a session that is
     * ending. Frames without a mid (from an older server) are always shown.
     */
    private boolean toShow(JsonNode chat) {
        JsonNode mid = chat.get("mid");
        lock.lock();
        try {
            if (ending) {
                return false;
            }
            return mid == null || !mid.canConvertToLong() || seen.firstSight(mid.asLong());
        } finally {
            lock.unlock();
        }
    }

    /** A chat frame was shown or dropped as a repeat: its mid goes out with the next RECEIPT. */
    private void handled(JsonNode chat) {
        JsonNode mid = chat.get("mid");
        if (mid == null || !mid.canConvertToLong()) {
            return;
        }
        lock.lock();
        try {
            if (session != null && !ending) {
                unconfirmed.add(mid.asLong());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends what is unconfirmed, and what was refused once its pause is over, if anything; the
     * timer calls this every {@link #FLUSH_INTERVAL}.
     */
    void flush() {
        sendLock.lock();
        try {
            ServerLink link;
            List<Long> mids;
            ReceiptResends.Batch again;
            lock.lock();
            try {
                if (session == null) {
                    return;
                }
                link = session;
                mids = drain();
                // Not while the session ends: LOGINOUT is on its way, and a RECEIPT after it would be refused.
                again = ending ? ReceiptResends.Batch.NONE : resends.due(System.nanoTime());
            } finally {
                lock.unlock();
            }
            send(link, new ReceiptResends.Batch(mids, 0));
            send(link, again);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Confirms everything handled so far, then stops showing the session's chat frames; called
     * right before LOGINOUT is sent and before the client closes the connection. Does nothing
     * outside a receipts session: an older server hands every message over only once.
     */
    void end() {
        handling.lock();
        sendLock.lock();
        try {
            ServerLink link;
            List<Long> mids;
            ReceiptResends.Batch again;
            lock.lock();
            try {
                if (session == null) {
                    return;
                }
                ending = true;
                link = session;
                mids = drain();
                again = resends.takeRefused(); // shown too, and the pause would outlast the session
            } finally {
                lock.unlock();
            }
            send(link, new ReceiptResends.Batch(mids, 0));
            send(link, again);
        } finally {
            sendLock.unlock();
            handling.unlock();
        }
    }

    /**
     * A reply whose seq is a RECEIPT's. With errno 10 the RECEIPT goes again after a pause, and
     * the reply is dealt with (true); any other reply is left to the caller to show (false).
     */
    boolean answered(JsonNode reply) {
        if (!ReceiptResends.answersAReceipt(reply)) {
            return false;
        }
        String seq = reply.get("seq").textValue();
        lock.lock();
        try {
            if (reply.path("errno").asInt(0) != Errno.UNAVAILABLE.code()) {
                resends.forget(seq);
                return false;
            }
            // An unknown seq (its session ended) needs nothing: the server delivers those again.
            resends.refused(seq, System.nanoTime());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** LOGINOUT was refused, so the session goes on, confirming again what it shows. */
    void resumed() {
        lock.lock();
        try {
            ending = false;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by {@link #lock}: takes the queue. */
    private List<Long> drain() {
        List<Long> mids = new ArrayList<>(unconfirmed);
        unconfirmed.clear();
        return mids;
    }

    /** Sends {@code batch} in RECEIPTs, each remembered by its seq until the server may have refused it. */
    private void send(ServerLink link, ReceiptResends.Batch batch) {
        List<Long> mids = batch.mids();
        for (int from = 0; from < mids.size(); from += MAX_MIDS_PER_RECEIPT) {
            List<Long> chunk = mids.subList(from, Math.min(mids.size(), from + MAX_MIDS_PER_RECEIPT));
            String seq;
            lock.lock();
            try {
                if (session != link) {
                    return; // the session ended meanwhile: the server delivers these again
                }
                // Before the write: the refusal may be read before send() returns.
                seq = resends.sending(new ReceiptResends.Batch(List.copyOf(chunk), batch.refusals()));
            } finally {
                lock.unlock();
            }
            ObjectNode receipt = Json.object().put("msgid", MessageType.RECEIPT.code());
            ArrayNode array = receipt.putArray("mids");
            chunk.forEach(array::add);
            receipt.put("seq", seq);
            try {
                link.send(receipt);
            } catch (IOException e) {
                // Not lost: send() kept the cause in the link and closed it, and the connection
                // thread reports it and reconnects. The session ended with the link, so the
                // server delivers these messages again at the next login, where repeats are dropped.
                return;
            }
        }
    }

    @Override
    public void close() {
        flusher.cancel(false);
    }
}
