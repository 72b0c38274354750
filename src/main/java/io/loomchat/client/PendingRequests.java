package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Requests sent and not answered yet, by the {@code seq} the server echoes in its reply. Each
 * knows what to do with its reply, so that an ACK can be told apart from the ACKs of other
 * commands and shown in words that name what was asked. Script mode waits here for a
 * command's reply before it reads the next one.
 */
final class PendingRequests {

    /** What to do with the reply to one request; runs on the connection thread. */
    interface ReplyHandler {
        void replied(JsonNode reply);
    }

    private record Pending(String action, ReplyHandler handler) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when {@link #pending} becomes empty. */
    private final Condition idle = lock.newCondition();
    /** Guarded by {@link #lock}; in the order sent. */
    private final Map<Integer, Pending> pending = new LinkedHashMap<>();
    /** Guarded by {@link #lock}. */
    private int nextSeq = 1;

    /**
     * Registers a request about to be sent and returns the {@code seq} to put in it.
     *
     * @param action what was asked, completing "Could not ..." (e.g. {@code add friend 9})
     */
    int open(String action, ReplyHandler handler) {
        lock.lock();
        try {
            int seq = nextSeq++;
            pending.put(seq, new Pending(action, handler));
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a request that could not be sent. */
    void cancel(int seq) {
        lock.lock();
        try {
            pending.remove(seq);
            signalIfIdle();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands a reply to the handler of its request. The request counts as pending until its
     * handler has run, so a handler that sends a follow-up (register, then log in) keeps
     * script mode waiting for that one too.
     *
     * @return false when no pending request has this reply's {@code seq}
     */
    boolean complete(JsonNode reply) {
        JsonNode seqNode = reply.get("seq");
        if (seqNode == null || !seqNode.canConvertToInt()) {
            return false;
        }
        int seq = seqNode.asInt();
        Pending request;
        lock.lock();
        try {
            request = pending.get(seq);
        } finally {
            lock.unlock();
        }
        if (request == null) {
            return false;
        }
        try {
            request.handler().replied(reply);
        } finally {
            cancel(seq);
        }
        return true;
    }

    /**
     * Forgets every request when the connection is lost, and returns what they asked for: the
     * server may or may not have carried them out, and the user should know which.
     */
    List<String> abandonAll() {
        lock.lock();
        try {
            List<String> actions = new ArrayList<>();
            pending.values().forEach(request -> actions.add(request.action()));
            pending.clear();
            idle.signalAll();
            return actions;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every request is answered or abandoned; false when the time ran out first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!pending.isEmpty()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = idle.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void signalIfIdle() {
        if (pending.isEmpty()) {
            idle.signalAll();
        }
    }
}
