package io.loomchat.service;

import java.util.HashMap;
import java.util.Map;

/**
 * Protocol 2.3 TYPING: one session says it is typing in a conversation at most once every
 * {@link #INTERVAL_MILLIS}; the server drops more, silently. A client that behaves sends one
 * every 3 s while its user types, so a notice is never late by more than that, and a client that
 * does not costs its recipients nothing more.
 *
 * <p>The pace is measured as TYPINGs arrive, so it allows {@link #SLACK_MILLIS} less: a client
 * keeps 3 s between its sends, but the first of two may reach the server late (a busy network, a
 * server's stall) and the second on time. Held to the full 3 s, that second one was dropped, and
 * the other user saw no "is typing" at all for a user who had just started again
 * (BrowserReadStateEndToEndTest failed so on a loaded box).
 *
 * <p>One per session, used only by its requests, which never run at the same time: no lock.
 */
final class TypingPace {

    static final long INTERVAL_MILLIS = 3_000;
    /** How much sooner than {@link #INTERVAL_MILLIS} after the last one a TYPING may arrive and still go out. */
    static final long SLACK_MILLIS = 1_000;
    /** Conversations remembered before the stale ones are dropped; a person types in a few at a time. */
    private static final int PRUNE_ABOVE = 32;

    /**
     * When a TYPING of each conversation last went out; made at the first one, since most
     * sessions (every 2.2 client) never type and a server holds tens of thousands of them.
     */
    private Map<Long, Long> lastSent;

    /** Whether a TYPING for {@code conv} at {@code nowMillis} goes out; if so it counts from now. */
    boolean allow(long conv, long nowMillis) {
        if (lastSent == null) {
            lastSent = new HashMap<>();
        }
        Long last = lastSent.get(conv);
        if (last != null && nowMillis - last < INTERVAL_MILLIS - SLACK_MILLIS) {
            return false;
        }
        if (lastSent.size() >= PRUNE_ABOVE) {
            lastSent.values().removeIf(sent -> nowMillis - sent >= INTERVAL_MILLIS);
        }
        lastSent.put(conv, nowMillis);
        return true;
    }
}
