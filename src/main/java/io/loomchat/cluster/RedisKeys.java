package io.loomchat.cluster;

import java.nio.charset.StandardCharsets;

/**
 * The names of everything LoomChat keeps in Redis, all under one prefix:
 *
 * <pre>
 * {prefix}node:{name}      this server's lease: its incarnation, expiring after the lease TTL
 * {prefix}nodes            the servers that may still hold users (a set of names)
 * {prefix}users:{name}     the sessions a server holds (a set of mailbox tokens, see Mailbox)
 * {prefix}user:{id}        the server holding a user's session without a device id (its only one)
 * {prefix}devices:{id}     a user's device sessions (protocol 2.3): mailbox -> the server holding it
 * {prefix}reaping:{name}   who is cleaning up after a dead server
 * {prefix}node-number      a counter handing out message-id node numbers
 * {prefix}receipts:{m}    the server whose receipts session of mailbox m has copies kept (protocol 2.2)
 * {prefix}inbox:{m}       the copies kept for that session until confirmed: mid -> frame
 * {prefix}leftover:{m}    copies of an ended session, until they are put back in the offline store
 * {prefix}to:{name}        the channel a server listens on for its users
 * {prefix}all              the channel every server listens on (cache invalidations)
 * </pre>
 */
final class RedisKeys {

    private final String prefix;
    private final String me;

    RedisKeys(String prefix, String me) {
        this.prefix = prefix;
        this.me = me;
    }

    String lease(String node) {
        return prefix + "node:" + node;
    }

    String nodes() {
        return prefix + "nodes";
    }

    String usersOf(String node) {
        return prefix + "users:" + node;
    }

    String user(int userId) {
        return prefix + "user:" + userId;
    }

    String devices(int userId) {
        return prefix + "devices:" + userId;
    }

    /** The prefix itself: scripts that find a mailbox's keys as they go build them from it. */
    String prefix() {
        return prefix;
    }

    String reaping(String node) {
        return prefix + "reaping:" + node;
    }

    /**
     * Set when a server was taken for dead and the copies kept for its sessions were put back in
     * the offline store: if it was only paused and comes back, what its sessions held is there
     * already (see {@link Membership#rebuild}).
     */
    String reaped(String node) {
        return prefix + "reaped:" + node;
    }

    String nodeNumber() {
        return prefix + "node-number";
    }

    String receipts(int mailbox) {
        return prefix + "receipts:" + mailbox;
    }

    String inbox(int mailbox) {
        return prefix + "inbox:" + mailbox;
    }

    String leftover(int mailbox) {
        return prefix + "leftover:" + mailbox;
    }

    /** What comes before a server's name in its channel. */
    String channelPrefix() {
        return prefix + "to:";
    }

    byte[] myChannel() {
        return bytes(channelPrefix() + me);
    }

    byte[] everyone() {
        return bytes(prefix + "all");
    }

    String me() {
        return me;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
