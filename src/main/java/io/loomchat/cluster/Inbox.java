package io.loomchat.cluster;

import java.util.List;

/**
 * Where copies of the messages delivered to receipts sessions (protocol 2.2) wait for their
 * RECEIPT. The session keeps every unconfirmed message in memory too, and puts it back in the
 * offline store when it ends; what an inbox adds is a copy that outlives the server holding the
 * session, for the one ending that server cannot handle: its own sudden death.
 *
 * <p>{@link SingleNode} keeps nothing beyond the session's memory (a single server promises the
 * guarantee across everything but its own death, see PROTOCOL.md); {@link RedisInbox} keeps the
 * copies in Redis, written in the same script that routes the message.
 *
 * <p>A copy is kept for a user only while that user's receipts session is on the server that
 * claimed it with receipts ({@link Cluster#claim}); {@link #take} ends that, atomically, so that
 * after it no new copy appears and what was kept can be put back in the offline store.
 */
public interface Inbox {

    /** A kept copy: the message id and the frame as delivered (terminator included). */
    record Copy(long mid, byte[] frame) {
    }

    /**
     * Keeps copies of a chat message for users whose receipts sessions are on this server,
     * before it is delivered to them. Blocks until the copies are kept.
     *
     * @return the users for whom no copy was kept because their session here is ending: the
     *         caller stores the message for them instead of delivering it
     */
    List<Integer> keep(long mid, byte[] frame, List<Integer> mailboxes);

    /**
     * The user confirmed these messages: their copies are no longer needed. False when that
     * could not be recorded (Redis away): the caller tries again later, and meanwhile must not
     * deliver or put back those copies.
     */
    boolean confirmed(int mailbox, List<Long> mids);


    /**
     * The user's session on this server ended: no copy is kept for it from now on, and those
     * kept (with any an earlier session left) are returned. They stay where they are until
     * {@link #forget} is called, once the caller has put them back in the offline store.
     */
    List<Copy> take(int mailbox);

    /**
     * Copies that a session of this user left behind without putting them back (its server
     * could not reach Redis when it ended). Called at login, after the claim.
     */
    List<Copy> leftovers(int mailbox);

    /** The copies returned by {@link #take} or {@link #leftovers} are in the offline store now. */
    void forget(int mailbox);

    /** Keeps nothing: the session's memory is the only copy. */
    Inbox NONE = new Inbox() {
        @Override
        public List<Integer> keep(long mid, byte[] frame, List<Integer> mailboxes) {
            return List.of();
        }

        @Override
        public boolean confirmed(int mailbox, List<Long> mids) {
            return true;
        }


        @Override
        public List<Copy> take(int mailbox) {
            return List.of();
        }

        @Override
        public List<Copy> leftovers(int mailbox) {
            return List.of();
        }

        @Override
        public void forget(int mailbox) {
        }
    };
}
