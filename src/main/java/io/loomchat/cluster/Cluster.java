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

    /**
     * Makes this server the holder of a user's one session, atomically across the cluster.
     *
     * @param receipts whether the session is a receipts session (protocol 2.2): copies of the
     *                 messages delivered to it are then kept in the {@link #inbox()}
     * @return false when another live server holds the user
     * @throws ClusterUnavailableException when that cannot be decided now (Redis down)
     */
    boolean claim(int userId, boolean receipts);

    /** Where copies of messages delivered to this server's receipts sessions wait for their RECEIPT. */
    Inbox inbox();

    /** Gives a user up (logout, disconnect). Best effort: a failure is repaired on reconnect. */
    void release(int userId);

    /**
     * Hands a delivery to the servers that hold the given users, at most one hand-off per
     * server. Returns the users it could not hand to any server (held nowhere, held by a server
     * that is gone, or Redis unreachable): the caller stores chat messages for them offline.
     */
    List<Integer> forward(Delivery delivery, List<Integer> userIds);

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

    /** Failed logins, counted across the cluster. */
    FailureCounts loginFailures();

    /** Gives up every user and this server's place in the cluster. Sessions must be closed first. */
    @Override
    void close();

    /** What the cluster asks of this server. */
    interface Listener {

        /** A delivery for users that another server believes are here. */
        void delivered(Delivery delivery, List<Integer> userIds);

        /** The users with a session on this server now. */
        Collection<Integer> localUsers();

        /**
         * A user of this server has been taken over by another server while Redis was away
         * (it came back empty and the other server won the login): end the local session.
         */
        void evicted(int userId);

        /**
         * Users held by a server that died (or by this server's previous run): they are offline
         * now. Record it and tell their friends; their claims are dropped right after.
         */
        void usersLost(List<Integer> userIds);

        /**
         * The unconfirmed messages of sessions that ended without putting them back (their server
         * died): store them for the users' next login. Called before their claims are dropped, so
         * no new session of theirs can have started; an exception leaves the copies where they are
         * and the clean-up is tried again.
         */
        void putBack(Map<Integer, List<Inbox.Copy>> copies);

        /** The users of {@link #localUsers} whose sessions are receipts sessions. */
        Collection<Integer> localReceiptsUsers();

        /**
         * Redis is back after an outage: a message published meanwhile may have had its copy kept
         * but never reached this server. These are the copies kept for a receipts session here;
         * hand it those it has not had.
         */
        void missed(int userId, List<Inbox.Copy> copies);

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

        /** Invalidations may have been missed (the subscription restarted): drop every cache. */
        void forgetCaches();
    }
}
