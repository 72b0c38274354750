package io.loomchat.service;

import io.loomchat.cluster.Inbox;
import io.loomchat.cluster.Mailbox;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts unconfirmed messages (protocol 2.2) back in the offline store, where the user's next
 * login finds them, in mid order among the others, with their mids unchanged. Three moments:
 * a receipts session ends on this server; a login finds copies that an earlier session could
 * not put back; a server died and another cleans up after it ({@link ClusterEvents#putBack}).
 * Storing twice is harmless (the store keeps one row per user and mid), so every path stores
 * first and forgets the copies after: a failure in between delivers a message once more, never
 * loses it.
 */
final class PutBack {

    private static final Logger LOG = LoggerFactory.getLogger(PutBack.class);

    private PutBack() {
    }

    /**
     * A receipts session ended here: its unconfirmed messages, from its memory and from the
     * cluster's copies (which also hold any message that reached the copies but not the
     * session, such as one in flight when the session ended), go to the offline store.
     */
    static void sessionEnded(Services services, Mailbox mailbox, UserSession.Ended ended) {
        int userId = mailbox.userId();
        int box = mailbox.id();
        if (!ended.receipts()) {
            return;
        }
        Inbox inbox = services.cluster().inbox();
        List<Inbox.Copy> copies;
        try {
            copies = inbox.take(box);
        } catch (RuntimeException e) { // Redis away: the copies stay there, the next login puts them back
            LOG.info("user {}: the kept copies could not be taken ({}); the session's own are stored", userId, e.getMessage());
            copies = null;
        }
        TreeMap<Long, String> byMid = live(ended);
        if (copies != null) {
            copies.forEach(copy -> byMid.putIfAbsent(copy.mid(), Frames.storedJson(copy.frame())));
        }
        ended.confirmed().forEach(byMid::remove); // confirmed while Redis was away: never again
        ended.storedConfirmed().forEach(byMid::remove);
        try {
            // Stored copies of messages the client confirmed live (a forward whose reply Redis
            // lost is stored by its sender too): the next login must not bring them again.
            services.db().offlineMessages().deleteMids(box, ended.storedConfirmed());
        } catch (StoreException e) {
            LOG.warn("user {}: stored copies of confirmed messages could not be deleted; they may come once more: {}",
                    userId, e.getMessage());
        }
        try {
            store(services, box, byMid);
        } catch (StoreException e) {
            LOG.error("user {}: {} unconfirmed messages could not be stored{}: {}", userId, byMid.size(),
                    copies == null ? " and are lost" : "; their copies stay in Redis for the next login", e.getMessage());
            return;
        }
        if (copies != null && !copies.isEmpty()) {
            forget(inbox, box);
        }
    }

    /**
     * A session of another server ended this one (Redis lost track and the user logged in
     * there): only this session's own unconfirmed messages are stored; the copies kept now
     * belong to the new session.
     */
    static void evicted(Services services, Mailbox mailbox, UserSession.Ended ended) {
        int userId = mailbox.userId();
        TreeMap<Long, String> byMid = live(ended);
        try {
            store(services, mailbox.id(), byMid);
        } catch (StoreException e) {
            LOG.error("user {}: {} unconfirmed messages of an evicted session could not be stored and are lost: {}",
                    userId, byMid.size(), e.getMessage());
        }
    }

    /** At login, after the claim: copies an earlier session left behind. Throws when they cannot be stored. */
    static void leftovers(Services services, Mailbox mailbox) {
        int userId = mailbox.userId();
        Inbox inbox = services.cluster().inbox();
        List<Inbox.Copy> copies = inbox.leftovers(mailbox.id());
        if (copies.isEmpty()) {
            return;
        }
        store(services, mailbox.id(), byMid(copies));
        inbox.forget(mailbox.id());
        LOG.info("user {}: {} unconfirmed messages of an earlier session stored for this login", userId, copies.size());
    }

    /** The copies of sessions whose server died, by mailbox. Throws when they cannot be stored (the clean-up is tried again). */
    static void ofDeadServer(Services services, Map<Integer, List<Inbox.Copy>> copies) {
        List<OfflineMessageDao.Pending> rows = new ArrayList<>();
        copies.forEach((mailbox, kept) ->
                byMid(kept).forEach((mid, json) -> rows.add(new OfflineMessageDao.Pending(mailbox, mid, json))));
        storeAll(services, rows);
    }

    /** A session's own unconfirmed live messages (those from the offline store are still there), by mid. */
    private static TreeMap<Long, String> live(UserSession.Ended ended) {
        TreeMap<Long, String> byMid = new TreeMap<>();
        for (Unconfirmed.Message message : ended.unconfirmed()) {
            if (message.rowId() == 0) {
                byMid.put(message.mid(), message.json());
            }
        }
        return byMid;
    }

    private static TreeMap<Long, String> byMid(List<Inbox.Copy> copies) {
        TreeMap<Long, String> byMid = new TreeMap<>();
        copies.forEach(copy -> byMid.put(copy.mid(), Frames.storedJson(copy.frame())));
        return byMid;
    }

    private static void store(Services services, int mailbox, TreeMap<Long, String> byMid) {
        List<OfflineMessageDao.Pending> rows = new ArrayList<>(byMid.size());
        byMid.forEach((mid, json) -> rows.add(new OfflineMessageDao.Pending(mailbox, mid, json)));
        storeAll(services, rows);
    }

    private static void storeAll(Services services, List<OfflineMessageDao.Pending> rows) {
        if (!rows.isEmpty()) {
            services.db().offlineMessages().storeAll(rows);
            services.metrics().offlineStored(rows.size());
        }
    }

    private static void forget(Inbox inbox, int mailbox) {
        try {
            inbox.forget(mailbox);
        } catch (RuntimeException e) {
            LOG.info("mailbox {}: stored copies could not be forgotten in Redis ({}); the next login finds them stored already",
                    mailbox, e.getMessage());
        }
    }
}
