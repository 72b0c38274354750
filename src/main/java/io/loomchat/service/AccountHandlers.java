package io.loomchat.service;

import io.loomchat.protocol.Errno;
import io.loomchat.store.DuplicateKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** REG, LOGINOUT and PING, and what happens when a logged-in connection drops (LOGIN is {@link Login}; both end in {@link SessionLife}). */
final class AccountHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHandlers.class);
    static final int MAX_PASSWORD_CHARS = 128;

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

    /** LOGINOUT: the session ends, and its resume token stops working. */
    static void logout(Services services, UserSession session, Request request) {
        SessionLife.end(services, session, true, () -> session.send(Frames.ack(request)));
    }

    /**
     * Signs out whoever is logged in on a connection that is going away. The resume token stays
     * valid: reconnecting with it is what it is for.
     */
    static void signOut(Services services, UserSession session) {
        if (session.loggedIn()) {
            SessionLife.end(services, session, false, () -> { });
        }
    }

    static void ping(Services services, UserSession session, Request request) {
        session.send(Frames.pong(request, System.currentTimeMillis()));
    }
}
