package io.loomchat.service;

import io.loomchat.cluster.Cluster;
import io.loomchat.store.DeviceDao;
import io.loomchat.store.StoreException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailboxes each user's messages are kept in (protocol 2.3): one per known device, the
 * session without a device id included once it has logged in since 2.3. A user with none known
 * (registered but never logged in, or not since the upgrade) has messages kept in the mailbox
 * of the session without a device id, where they always were: the first login of any kind takes
 * them (see {@link SessionLife}).
 *
 * <p>Cached, as {@link GroupMembers} caches members, so that a message costs no database query:
 * a new device drops this server's entry and tells the other servers to drop theirs, and the
 * cache is trusted only while the cluster hears every such change.
 */
final class KnownDevices {

    private final DeviceDao devices;
    private final Cluster cluster;
    private final ConcurrentHashMap<Integer, int[]> mailboxes = new ConcurrentHashMap<>();
    private static final Logger LOG = LoggerFactory.getLogger(KnownDevices.class);

    /** How often the devices of a user could not be read. */
    private final AtomicLong unknown = new AtomicLong();
    /** Counts invalidations; see {@link GroupMembers} for why a read during one is not cached. */
    private final AtomicLong changes = new AtomicLong();

    KnownDevices(DeviceDao devices, Cluster cluster) {
        this.devices = devices;
        this.cluster = cluster;
    }

    /**
     * The mailboxes a message for this user is kept in while their sessions are away; never
     * empty. Null when that cannot be known now (the database is away): the caller then delivers
     * wherever it can, and stores only what reached nobody, which fails with errno 10 as any
     * store does while the database is away.
     */
    int[] mailboxesOf(int userId) {
        boolean trusted = cluster.hearsEveryChange();
        int[] cached = trusted ? mailboxes.get(userId) : null;
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        List<Integer> known;
        try {
            known = devices.mailboxesOf(userId);
        } catch (StoreException e) {
            long times = unknown.incrementAndGet();
            if (times == 1 || times % 1_000 == 0) { // visible, without flooding the log during an outage
                LOG.warn("the devices of user {} could not be read ({} times so far): messages are kept only for "
                        + "sessions reached or as for a user without devices: {}", userId, times, e.getMessage());
            }
            return null; // live chat needs no database (DatabaseOutageEndToEndTest)
        }
        if (known.isEmpty()) {
            // Not cached: an id nobody has logged in as since 2.3 (perhaps no user at all) must
            // not take room here, and such a user's messages go to the store anyway.
            return new int[] {userId};
        }
        int[] loaded = known.stream().mapToInt(Integer::intValue).toArray();
        if (trusted && changes.get() == before) {
            mailboxes.putIfAbsent(userId, loaded);
            if (changes.get() != before) {
                mailboxes.remove(userId, loaded); // an invalidation slipped in between the check and the put
            }
        }
        return loaded;
    }

    /** A device of this user was added or forgotten (committed): forget the user here and everywhere. */
    void added(int userId) {
        forget(userId);
        cluster.devicesChanged(userId);
    }

    /** A user's devices changed (here, or on another server). */
    void forget(int userId) {
        changes.incrementAndGet();
        mailboxes.remove(userId);
    }

    void forgetAll() {
        changes.incrementAndGet();
        mailboxes.clear();
    }
}
