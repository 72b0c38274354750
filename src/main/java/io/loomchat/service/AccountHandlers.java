package io.loomchat.service;

import io.loomchat.protocol.Errno;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.Contact;
import io.loomchat.store.DuplicateKeyException;
import io.loomchat.store.Group;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.StoreException;
import io.loomchat.store.User;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REG, LOGINOUT and PING, and what happens when a logged-in connection drops (LOGIN is {@link Login}). */
final class AccountHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHandlers.class);
    static final int MAX_PASSWORD_CHARS = 128;
    /** How long a logout waits for the offline rows it was handed to be written and deleted. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

    private AccountHandlers() {
    }

    static void register(Services services, UserSession session, Request request) {
        String name = request.requiredText("name", services.config().limits().maxNameChars());
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

    /** LOGINOUT: the user goes offline, and the resume token of this session stops working. */
    static void logout(Services services, UserSession session, Request request) {
        detach(services, session, true, () -> session.send(Frames.ack(request)));
    }

    /**
     * Signs out whoever is logged in on a connection that is going away. The resume token stays
     * valid: reconnecting with it is what it is for.
     */
    static void signOut(Services services, UserSession session) {
        if (session.loggedIn()) {
            detach(services, session, false, () -> { });
        }
    }

    /**
     * Ends the user's session: once the lock is released no message reaches it (those accepted
     * before are already queued, ahead of anything sent by {@code whenOffline}); then the
     * database says offline, the user may log in again, and friends are told. Requests of one
     * connection run one at a time, on its reader thread, and only they change who is logged
     * in, so reading the user here without the lock is safe.
     */
    private static void detach(Services services, UserSession session, boolean revokeToken, Runnable whenOffline) {
        int id = session.userId();
        String name = session.userName();
        if (id == 0) { // evicted by the cluster meanwhile: the user is another server's now
            whenOffline.run();
            return;
        }
        UserSession.Ended ended = session.detach();
        String tokenHash = ended.tokenHash();
        // Offline rows this session was handed are deleted once written; until then a new login
        // could fetch them again. The claim is held (a new login waits) until they are settled.
        session.awaitSettled(SETTLE_TIMEOUT);
        // The database work waits its turn with the logins; the wait for writes above does not
        // hold a place at the gate.
        services.sessionGate().signOut(() -> {
            // Before the claim goes: until then no new session of this user can start, on any server.
            PutBack.sessionEnded(services, id, ended);
            if (revokeToken && tokenHash != null) {
                try {
                    services.db().tokens().revoke(tokenHash);
                } catch (StoreException e) {
                    LOG.warn("user {} logged out, but their resume token could not be revoked: {}", id, e.getMessage());
                }
            }
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
        });
    }

    /**
     * Ends a session whose user another server holds now (Redis forgot this server's claim and
     * the user logged in elsewhere). The database and the user's friends are left alone: for
     * them the user is online, on the other server.
     */
    static void evict(Services services, UserSession session, int userId) {
        UserSession.Ended ended = session.detachIf(userId);
        if (ended != null) {
            services.online().release(userId, session);
            session.close();
            PutBack.evicted(services, userId, ended);
        }
    }

    static void ping(Services services, UserSession session, Request request) {
        session.send(Frames.pong(request, System.currentTimeMillis()));
    }

    static void markOffline(Services services, int id) {
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
