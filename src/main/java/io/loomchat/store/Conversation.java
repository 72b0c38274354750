package io.loomchat.store;

/**
 * The key of a conversation in the {@code History} table (see schema.sql): one number for both
 * kinds, so that a page of one conversation is one range of the primary key. User and group
 * ids are positive {@code INT}s, so one-to-one keys are positive and group keys negative.
 */
public final class Conversation {

    private Conversation() {
    }

    /** The one-to-one conversation of two users, the same whichever of them asks. */
    public static long between(int oneUser, int otherUser) {
        long low = Math.min(oneUser, otherUser);
        long high = Math.max(oneUser, otherUser);
        return low << 32 | high;
    }

    /** The two users of a one-to-one conversation, lower id first. */
    public static int[] users(long conv) {
        return new int[] {(int) (conv >>> 32), (int) conv};
    }

    /** Whether the key names a group's conversation. */
    public static boolean isGroup(long conv) {
        return conv < 0;
    }

    /** The group of a group conversation's key. */
    public static int groupOf(long conv) {
        return (int) -conv;
    }

    /** A group's conversation. */
    public static long ofGroup(int groupId) {
        return -(long) groupId;
    }
}
