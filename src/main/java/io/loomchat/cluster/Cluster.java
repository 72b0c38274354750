package io.loomchat.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What one server needs from the others: who holds which user, and a way to hand them frames.
 * The chat rules call this interface the same way whether there is a cluster or not:
 * {@link SingleNode} answers "nobody else exists", {@link RedisCluster} asks Redis.
 *
 * <p>Methods may be called from any thread. The {@link Listener} is called back on the
 * cluster's own threads (the subscriber, the housekeeper).
 */
public interface Cluster extends AutoCloseable {

    /** This server's name in the cluster, for logs and for Redis keys. */
    String nodeName();

    /** This server's number (0-1023) for message ids, unique among the servers running now. */
    int messageNodeNumber();

    /** Starts receiving from the other servers. Called once, before any connection is accepted. */
    void start(Listener listener);

    /** What a claim found. */
    enum Claim {
        /** Another live session of the user does not allow this one (errno 2). */
        REFUSED,
        /** The user's only session in the cluster: the user has come online. */
        FIRST,
        /** The user has other sessions (other devices, here or elsewhere). */
        ANOTHER
    }

    /**
     * Makes this server the holder of one session of a user, atomically across the cluster: a
     * session without a device id only while the user has no other, a device session while the
     * user has no session without one, the device none already, and fewer than
     * {@code maxDevices} others (protocol 2.3).
     *
     * @param receipts whether the session is a receipts session (protocol 2.2): copies of the
     *                 messages delivered to it are then kept in the {@link #inbox()}
     * @throws ClusterUnavailableException when that cannot be decided now (Redis down)
     */
    Claim claim(Mailbox mailbox, boolean receipts, int maxDevices);

    /** Where copies of messages delivered to this server's receipts sessions wait for their RECEIPT. */
    Inbox inbox();

    /**
     * Gives up a session (logout, disconnect). Best effort: a failure is repaired on reconnect.
     * Returns whether the user has no session left anywhere in the cluster (true when that is
     * not known: the caller also counts the sessions on this server).
     */
    boolean release(Mailbox mailbox);

    /**
     * Hands a delivery to the servers that hold sessions of the given users, other than this
     * server and the session of {@code exceptMailbox} (the sender's own, for carbons; 0 for
     * none), at most one hand-off per server. Returns, per user, the mailboxes of the sessions
     * it reached; the caller stores chat messages for the user's known mailboxes left out.
     */
    Reached forward(Delivery delivery, List<Integer> userIds, int exceptMailbox);

    /** What {@link #forward} reached: the mailboxes handed to a live server, per user. */
    interface Reached {
        Reached NOTHING = userId -> List.of();

        List<Integer> mailboxesOf(int userId);
    }

    /** Tells every server that a user's devices changed (one was added), so that they read them again. */
    void devicesChanged(int userId);

    /** Tells every server that a group's members changed, so that they drop what they cached. */
    void groupChanged(int groupId);

    /**
     * Whether this server currently hears every {@link #groupChanged} of the others. Caches of
     * shared data may be trusted only while this is true; while Redis is unreachable the
     * invalidations of others could be missed, so readers go to the database instead.
     */
    boolean hearsEveryChange();

    /** Whether this server is in touch with the cluster now (Redis answers and the subscription is live). */
    boolean healthy();

    /**
     * Whether Redis was in trouble lately (down now, or back less than a few seconds ago): a
     * sender whose forward was in doubt may then store a copy of a message its recipient got live
     * and confirms, so a RECEIPT marks its messages confirmed in the database as well (see
     * {@link io.loomchat.store.OfflineMessageDao#markConfirmed}). Never for a single server.
     */
    default boolean confirmationsInDoubt() {
        return false;
    }

    /**
     * Whether the others may have taken this server for dead: its lease was not renewed within
     * its time to live (a pause: GC, a frozen VM, SIGSTOP), or was found lapsed and what that
     * means has not been settled yet ({@link Listener#evicted}). Meanwhile the cluster may have
     * put back what this server's receipts sessions hold, and their users may confirm it
     * elsewhere: receipts sessions here get nothing live and confirm nothing, until it is settled.
     */
    boolean leaseInDoubt();

    /** Failed logins, counted across the cluster. */
    FailureCounts loginFailures();

    /** Gives up every user and this server's place in the cluster. Sessions must be closed first. */
    @Override
    void close();

    /** What the cluster asks of this server. */
    interface Listener {

        /** A delivery for sessions (by mailbox) that another server believes are here. */
        void delivered(Delivery delivery, List<Mailbox> mailboxes);

        /** The sessions on this server now. */
        Collection<Mailbox> localSessions();

        /**
         * A session of this server has been taken over by another server: Redis lost track of it
         * (it came back empty, or a failover lost the claim) and the user logged in there, or this
         * server was paused past its lease and taken for dead ({@code reaped}: the copies kept
         * for its sessions were put back in the offline store then). End the local session.
         */
        void evicted(int mailbox, boolean reaped);

        /**
         * Users whose last session was held by a server that died (or by this server's previous
         * run): they are offline now. Record it and tell their friends; their claims are dropped
         * right after.
         */
        void usersLost(List<Integer> userIds);

        /**
         * The unconfirmed messages of sessions that ended without putting them back (their server
         * died), by mailbox: store them for the sessions' next login. Called before their claims are dropped, so
         * no new session of theirs can have started; an exception leaves the copies where they are
         * and the clean-up is tried again.
         */
        void putBack(Map<Integer, List<Inbox.Copy>> copies);

        /** The mailboxes of the sessions of {@link #localSessions} that are receipts sessions. */
        Collection<Integer> localReceiptsMailboxes();

        /**
         * Redis is back after an outage: a message published meanwhile may have had its copy kept
         * but never reached this server. These are the copies kept for a receipts session here;
         * hand it those it has not had.
         */
        void missed(int mailbox, List<Inbox.Copy> copies);

        /**
         * Redis is back after an outage. Messages stored offline meanwhile for users who are online
         * here could not be announced to this server (that goes through Redis): push them now,
         * instead of at those users' next login.
         */
        void storedMeanwhile();

        /**
         * Users of this server that the cluster had counted as lost (Redis was away longer than
         * the lease) and that this server holds again: record them as online again.
         */
        void usersRegained(List<Integer> userIds);

        /** A group's members changed on some server. */
        void groupChanged(int groupId);

        /** A user's devices changed on some server. */
        void devicesChanged(int userId);

        /** Invalidations may have been missed (the subscription restarted): drop every cache. */
        void forgetCaches();
    }
}
