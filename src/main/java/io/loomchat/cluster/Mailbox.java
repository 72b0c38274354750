package io.loomchat.cluster;

/**
 * Where the messages of one of a user's sessions wait (protocol 2.3): the user's own id for the
 * session without a device id, which is the user's only session; minus the device's row id for a
 * device session, one of up to ten. The cluster's directory, its kept copies and the offline store
 * all address a session by it, so the guarantees of 2.2 hold per device.
 */
public record Mailbox(int userId, int id) {

    public static Mailbox withoutDevice(int userId) {
        return new Mailbox(userId, userId);
    }

    public boolean isDevice() {
        return id != userId;
    }

    /** How it is named in a server's set of sessions in Redis: {@code user} or {@code user/mailbox}. */
    String token() {
        return isDevice() ? userId + "/" + id : Integer.toString(userId);
    }

    static Mailbox ofToken(String token) {
        int slash = token.indexOf('/');
        if (slash < 0) {
            return withoutDevice(Integer.parseInt(token));
        }
        return new Mailbox(Integer.parseInt(token, 0, slash, 10), Integer.parseInt(token, slash + 1, token.length(), 10));
    }
}
