package io.loomchat.service;

import io.loomchat.protocol.Errno;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.Contact;
import io.loomchat.store.DuplicateKeyException;
import io.loomchat.store.Group;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.StoreException;
import io.loomchat.store.User;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REG, LOGIN, LOGINOUT and PING, and what happens when a logged-in connection drops. */
final class AccountHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHandlers.class);
    static final int MAX_NAME_CHARS = 50;
    static final int MAX_PASSWORD_CHARS = 128;

    private AccountHandlers() {
    }

    static void register(Services services, UserSession session, Request request) {
        String name = request.requiredText("name", MAX_NAME_CHARS);
        String password = request.requiredText("password", MAX_PASSWORD_CHARS);
        if (name.isBlank() || name.chars().anyMatch(Character::isISOControl)) {
            throw new ServiceException(Errno.BAD_REQUEST, "name must be visible text without control characters");
        }
        String hash = services.passwords().hash(password);
        int id;
        try {
            id = services.db().users().create(name, hash);
        } catch (DuplicateKeyException e) {
            throw new ServiceException(Errno.INVALID_CREDENTIALS, "registration failed: the name " + name + " is taken");
        }
        session.send(Frames.registerAck(request, id));
    }

    static void login(Services services, UserSession session, Request request) {
        int id = request.requiredInt("id");
        String password = request.requiredText("password", MAX_PASSWORD_CHARS);
        if (session.loggedIn()) {
            throw new ServiceException(Errno.CONFLICT,
                    "this connection is already logged in as user " + session.userId() + ", log out first");
        }
        User user = services.db().users().find(id);
        // Verified even for an unknown id, so that timing does not tell which ids exist.
        if (!services.passwords().verify(password, user == null ? null : user.passwordHash())) {
            throw new ServiceException(Errno.INVALID_CREDENTIALS);
        }
        if (!services.online().claim(id, session)) {
            throw new ServiceException(Errno.ALREADY_ONLINE);
        }
        // This server's table refuses a second session here; the cluster's claim refuses one
        // on another server. Both must agree before the user is attached.
        boolean claimed;
        try {
            claimed = services.cluster().claim(id);
        } catch (RuntimeException e) {
            services.online().release(id, session);
            throw e;
        }
        if (!claimed) {
            services.online().release(id, session);
            throw new ServiceException(Errno.ALREADY_ONLINE);
        }
        List<Contact> friends;
        try {
            // Deliveries to this user wait on the session lock while the ack is built (a few
            // database reads), so none can overtake it. Holding the lock across that I/O is the
            // point: it is backpressure on the senders. Holding their messages in a list instead
            // let a burst pile up during a slow login and overflow the queue when released.
            friends = session.exclusive(() -> {
                session.attach(id, user.name());
                services.db().users().setOnline(id, true);
                List<Contact> contacts = services.db().friends().friendsOf(id);
                List<Group> groups = services.db().groups().groupsOf(id);
                List<OfflineMessage> offline = services.db().offlineMessages().pendingFor(id);
                List<Long> rowIds = offline.stream().map(OfflineMessage::id).toList();
                session.handedOver(rowIds);
                session.send(Frames.loginAck(request, session.dialect(), id, user.name(), contacts, groups, offline),
                        offline.isEmpty() ? OutboundFrame.Callback.NONE
                                : new DeleteWhenWritten(services.db().offlineMessages(), session, id, rowIds));
                return contacts;
            });
        } catch (RuntimeException e) {
            session.detach();
            markOffline(services, id);
            services.cluster().release(id);
            services.online().release(id, session);
            throw e;
        }
        services.router().announce(id, user.name(), true, ids(friends));
    }

    static void logout(Services services, UserSession session, Request request) {
        detach(services, session, () -> session.send(Frames.ack(request)));
    }

    /** Signs out whoever is logged in on a connection that is going away. */
    static void signOut(Services services, UserSession session) {
        if (session.loggedIn()) {
            detach(services, session, () -> { });
        }
    }

    /**
     * Ends the user's session: once the lock is released no message reaches it (those accepted
     * before are already queued, ahead of anything sent by {@code whenOffline}); then the
     * database says offline, the user may log in again, and friends are told. Requests of one
     * connection run one at a time (on its reader, or on a worker the reader waits for), and
     * only they change who is logged in, so reading the user here without the lock is safe.
     */
    private static void detach(Services services, UserSession session, Runnable whenOffline) {
        int id = session.userId();
        String name = session.userName();
        if (id == 0) { // evicted by the cluster meanwhile: the user is another server's now
            whenOffline.run();
            return;
        }
        session.detach();
        markOffline(services, id);
        // Released only now: a new login of this user racing us, here or on another server, is
        // refused rather than marked online in the database and then overwritten with our offline.
        services.cluster().release(id);
        services.online().release(id, session);
        whenOffline.run();
        List<Contact> friends = List.of();
        try {
            friends = services.db().friends().friendsOf(id);
        } catch (StoreException e) {
            LOG.warn("user {} went offline, but their friends could not be told: {}", id, e.getMessage());
        }
        services.router().announce(id, name, false, ids(friends));
    }

    /**
     * Ends a session whose user another server holds now (Redis forgot this server's claim and
     * the user logged in elsewhere). The database and the user's friends are left alone: for
     * them the user is online, on the other server.
     */
    static void evict(Services services, UserSession session, int userId) {
        if (session.detachIf(userId)) {
            services.online().release(userId, session);
            session.close();
        }
    }

    static void ping(Services services, UserSession session, Request request) {
        session.send(Frames.pong(request, System.currentTimeMillis()));
    }

    private static void markOffline(Services services, int id) {
        try {
            services.db().users().setOnline(id, false);
        } catch (StoreException e) {
            LOG.warn("user {} is offline but could not be marked so: {}", id, e.getMessage());
        }
    }

    private static List<Integer> ids(List<Contact> contacts) {
        return contacts.stream().map(Contact::id).toList();
    }
}
