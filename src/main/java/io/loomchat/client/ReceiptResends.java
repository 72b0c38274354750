package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The RECEIPTs of a receipts session that the server may still refuse, and the mids of those it
 * refused with errno 10 ("send the receipt again": Redis away, its replica not in step, or the
 * server unsure of its place in the cluster), to be sent again after a pause.
 *
 * <p>Each RECEIPT carries a {@code seq} of its own, {@value #SEQ_PREFIX}n, which the server echoes
 * in its refusal (PROTOCOL.md: a reply carries its request's {@code seq}); the refusal echoes
 * neither the mids nor anything else, so the seq is what says which RECEIPT it was. A string, so
 * that it never matches the integer seqs of {@link PendingRequests}. The mids of a refused RECEIPT
 * are sent again, all of them: when the server refuses because it is unsure of its lease it keeps
 * nothing, so "any later RECEIPT" would not do.
 *
 * <p>A RECEIPT the server takes gets no reply, so a sent one is remembered until
 * {@link #REMEMBERED_MIDS} later mids have pushed it out, or the session ends. That is far longer
 * than a refusal can take: the server answers a RECEIPT in the order it reads frames, and by then
 * the client can have confirmed only what the server had handed it before, and a session holds
 * at most 10,000 unconfirmed messages (the server ends it beyond that).
 *
 * <p>The pause before a resend is {@link #FIRST_PAUSE}, doubled each time the same mids are
 * refused again, up to {@link #MAX_PAUSE}: the trouble behind errno 10 lasts from a fraction of a
 * second (a stalled replica) to the seconds of a Redis restart or failover, and a client that
 * keeps asking once a second then only adds to the load of a server that is recovering.
 *
 * <p>Not thread-safe: {@link DeliveryReceipts} guards it with its lock. Times are
 * {@link System#nanoTime()} values, passed in so that tests can choose them.
 */
final class ReceiptResends {

    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_PAUSE = Duration.ofSeconds(8);
    /** Twice the unconfirmed messages a session may hold on the server (see above). */
    static final int REMEMBERED_MIDS = 20_000;
    static final String SEQ_PREFIX = "receipt-";

    /** Mids to confirm, and how many times the server has refused them before. */
    record Batch(List<Long> mids, int refusals) {
        static final Batch NONE = new Batch(List.of(), 0);

        boolean isEmpty() {
            return mids.isEmpty();
        }
    }

    /** RECEIPTs sent, by seq, oldest first. */
    private final LinkedHashMap<String, Batch> sent = new LinkedHashMap<>();
    private int rememberedMids;
    /** Mids of refused RECEIPTs, in the order they first came, waiting for {@link #dueNanos}. */
    private final LinkedHashSet<Long> refused = new LinkedHashSet<>();
    /** The most refusals any of {@link #refused} has had. */
    private int refusals;
    private long dueNanos;
    /** Never reset: a refusal read late must not match a RECEIPT of a later session. */
    private long nextSeq = 1;

    /** Whether a reply answers a RECEIPT: its seq is one of ours. */
    static boolean answersAReceipt(JsonNode reply) {
        JsonNode seq = reply.get("seq");
        return seq != null && seq.isTextual() && seq.textValue().startsWith(SEQ_PREFIX);
    }

    /** A RECEIPT for {@code batch} is about to go out: the seq to put in it. */
    String sending(Batch batch) {
        String seq = SEQ_PREFIX + nextSeq++;
        sent.put(seq, batch);
        rememberedMids += batch.mids().size();
        Iterator<Batch> oldest = sent.values().iterator();
        while (rememberedMids > REMEMBERED_MIDS && oldest.hasNext()) {
            rememberedMids -= oldest.next().mids().size();
            oldest.remove();
        }
        return seq;
    }

    /**
     * The server refused the RECEIPT with this seq, asking for it again: its mids go out again
     * after the pause. False when that RECEIPT is not remembered (of an ended session, or
     * pushed out long ago): those messages come again at the next login, as any unconfirmed one.
     */
    boolean refused(String seq, long nowNanos) {
        Batch batch = forget(seq);
        if (batch == null) {
            return false;
        }
        if (refused.isEmpty()) {
            // Later refusals join these and wait with them: they met the same trouble.
            dueNanos = nowNanos + pause(batch.refusals()).toNanos();
        }
        refused.addAll(batch.mids());
        refusals = Math.max(refusals, batch.refusals() + 1);
        return true;
    }

    /** The server answered the RECEIPT with this seq otherwise (an errno other than 10): forgets it. */
    Batch forget(String seq) {
        Batch batch = sent.remove(seq);
        if (batch != null) {
            rememberedMids -= batch.mids().size();
        }
        return batch;
    }

    /** The refused mids whose pause is over, taken; {@link Batch#NONE} when there are none. */
    Batch due(long nowNanos) {
        return refused.isEmpty() || nowNanos - dueNanos < 0 ? Batch.NONE : takeRefused();
    }

    /** Every refused mid, pause over or not (the session is about to end), taken. */
    Batch takeRefused() {
        if (refused.isEmpty()) {
            return Batch.NONE;
        }
        Batch batch = new Batch(new ArrayList<>(refused), refusals);
        refused.clear();
        refusals = 0;
        return batch;
    }

    /** The session ended: what it did not confirm the server delivers again at the next login. */
    void clear() {
        sent.clear();
        rememberedMids = 0;
        refused.clear();
        refusals = 0;
    }

    /** 1 s before the first resend, then 2, 4, 8, 8, ... */
    static Duration pause(int refusalsBefore) {
        int doublings = Math.min(refusalsBefore, 30); // no overflow; the cap is reached far earlier
        Duration pause = FIRST_PAUSE.multipliedBy(1L << doublings);
        return pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
    }

    /** For tests: the RECEIPTs remembered, by seq. */
    Map<String, Batch> remembered() {
        return Map.copyOf(sent);
    }
}
