package io.loomchat.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The users logged in on this server, each with its one session. */
final class OnlineUsers {

    private final ConcurrentHashMap<Integer, UserSession> sessions = new ConcurrentHashMap<>();

    /** Makes {@code session} the user's session; false when the user has one already. */
    boolean claim(int userId, UserSession session) {
        return sessions.putIfAbsent(userId, session) == null;
    }

    /** Forgets the user's session, if it is still {@code session}. */
    void release(int userId, UserSession session) {
        sessions.remove(userId, session);
    }

    /** The user's session here, or {@code null}. */
    UserSession get(int userId) {
        return sessions.get(userId);
    }

    boolean isOnline(int userId) {
        return sessions.containsKey(userId);
    }

    /** A snapshot of the ids of the users logged in here. */
    List<Integer> userIds() {
        return List.copyOf(sessions.keySet());
    }

    /** The users whose sessions here are receipts sessions (protocol 2.2). */
    List<Integer> receiptsUserIds() {
        List<Integer> ids = new ArrayList<>();
        sessions.forEach((id, session) -> {
            if (session.receipts()) {
                ids.add(id);
            }
        });
        return ids;
    }

    int count() {
        return sessions.size();
    }
}
