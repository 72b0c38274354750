package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.server.OutboundFrame;
import io.loomchat.store.Contact;
import io.loomchat.store.Group;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.User;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LOGIN: by password, or by a resume token (protocol 2.1). Checks the failed-login back-off,
 * the credentials, then claims the user on this server and across the cluster, and answers with
 * the login ack: friends, groups, the oldest offline messages, and (modern dialect) a resume
 * token, how many offline messages follow the ack, and whether this is a receipts session
 * (protocol 2.2: the client asked with {@code "receipts": true}).
 */
final class Login {

    private static final Logger LOG = LoggerFactory.getLogger(Login.class);

    private Login() {
    }

    static void handle(Services services, UserSession session, Request request) {
        int id = request.requiredInt("id");
        boolean byToken = request.has("token");
        String secret = byToken
                ? request.requiredText("token", ResumeTokens.MAX_CHARS)
                : request.requiredText("password", AccountHandlers.MAX_PASSWORD_CHARS);
        request.optionalFlag("receipts"); // a malformed one is refused before any work is done
        if (session.loggedIn()) {
            throw new ServiceException(Errno.CONFLICT,
                    "this connection is already logged in as user " + session.userId() + ", log out first");
        }
        String address = session.clientAddress();
        services.sessionGate().login(() -> {
            try {
                services.throttle().check(id, address);
            } catch (ServiceException e) {
                services.metrics().login(ChatMetrics.LoginResult.THROTTLED);
                LOG.info("login of user {} from {} refused: {}", id, address, e.getMessage());
                throw e;
            }
            logIn(services, session, request, id, byToken, secret, address);
        });
    }

    private static void logIn(Services services, UserSession session, Request request, int id, boolean byToken,
                              String secret, String address) {
        User user = services.db().users().find(id);
        String tokenHash = byToken ? ResumeTokens.hash(secret) : null;
        long tokenExpires = byToken ? tokenExpiry(services, user, id, tokenHash, secret) : 0;
        if (!(byToken ? tokenExpires > System.currentTimeMillis() : validPassword(services, user, secret))) {
            services.throttle().failed(id, address);
            services.metrics().login(ChatMetrics.LoginResult.FAILED);
            LOG.info("login of user {} from {} refused: wrong {}", id, address, byToken ? "token" : "password");
            throw new ServiceException(Errno.INVALID_CREDENTIALS);
        }
        services.throttle().succeeded(id);
        boolean modern = session.dialect() == Dialect.MODERN;
        // Receipts are a modern-dialect feature: a legacy client is never asked to confirm.
        boolean receipts = modern && request.optionalFlag("receipts");
        claim(services, session, id, receipts);

        String newToken = null;
        try {
            PutBack.leftovers(services, id);
            if (modern && !byToken) {
                newToken = ResumeTokens.newToken();
                tokenHash = ResumeTokens.hash(newToken);
                tokenExpires = System.currentTimeMillis() + services.config().login().tokenLifetime().toMillis();
                services.db().tokens().store(tokenHash, id, tokenExpires);
            }
            List<Contact> friends = sendAck(services, session, request, user, receipts, tokenHash,
                    byToken ? secret : newToken, tokenExpires);
            services.metrics().login(ChatMetrics.LoginResult.OK);
            LOG.info("login of user {} from {} ({})", id, address, byToken ? "token" : "password");
            services.router().announce(id, user.name(), true, friends.stream().map(Contact::id).toList());
        } catch (RuntimeException e) {
            session.detach();
            AccountHandlers.markOffline(services, id);
            services.cluster().release(id);
            services.online().release(id, session);
            throw e;
        }
    }

    /** Verified even for an unknown id, so that timing does not tell which ids exist. */
    private static boolean validPassword(Services services, User user, String password) {
        return services.passwords().verify(password, user == null ? null : user.passwordHash());
    }

    /** When the token expires, in epoch milliseconds; 0 or less when it is not a token of this user. */
    private static long tokenExpiry(Services services, User user, int id, String tokenHash, String token) {
        if (user == null || token.length() < ResumeTokens.MIN_CHARS) {
            return 0;
        }
        return services.db().tokens().expiryOf(tokenHash, id);
    }

    /**
     * This server's table refuses a second session here; the cluster's claim refuses one on
     * another server. Both must agree before the user is attached.
     */
    private static void claim(Services services, UserSession session, int id, boolean receipts) {
        if (!services.online().claim(id, session)) {
            services.metrics().login(ChatMetrics.LoginResult.ALREADY_ONLINE);
            throw new ServiceException(Errno.ALREADY_ONLINE);
        }
        boolean claimed;
        try {
            claimed = services.cluster().claim(id, receipts);
        } catch (RuntimeException e) {
            services.online().release(id, session);
            throw e;
        }
        if (!claimed) {
            services.online().release(id, session);
            services.metrics().login(ChatMetrics.LoginResult.ALREADY_ONLINE);
            throw new ServiceException(Errno.ALREADY_ONLINE);
        }
    }

    /**
     * Deliveries to this user wait on the session lock while the ack is built (a few database
     * reads), so none can overtake it. Holding the lock across that I/O is the point: it is
     * backpressure on the senders. Holding their messages in a list instead let a burst pile up
     * during a slow login and overflow the queue when released.
     */
    private static List<Contact> sendAck(Services services, UserSession session, Request request, User user,
                                         boolean receipts, String tokenHash, String token, long tokenExpires) {
        int id = user.id();
        boolean modern = session.dialect() == Dialect.MODERN;
        int pageSize = services.config().login().loginBacklog();
        return session.exclusive(() -> {
            session.attach(id, user.name(), receipts);
            session.token(tokenHash);
            services.db().users().setOnline(id, true);
            List<Contact> contacts = services.db().friends().friendsOf(id);
            List<Group> groups = services.db().groups().groupsOf(id);
            // Legacy clients get the whole backlog in the ack, as the classic server sent it.
            List<OfflineMessage> offline = modern
                    ? services.db().offlineMessages().pendingFor(id, 0, pageSize)
                    : services.db().offlineMessages().pendingFor(id);
            long lastMid = offline.isEmpty() ? 0 : offline.get(offline.size() - 1).mid();
            int pending = modern && offline.size() == pageSize
                    ? services.db().offlineMessages().countFor(id, lastMid) : 0;
            OutboundFrame.Callback whenWritten = session.handOver(services.db().offlineMessages(), offline);
            ObjectNode ack = Frames.loginAck(request, session.dialect(), id, user.name(), contacts, groups, offline);
            if (modern) {
                ack.put("pending", pending);
                if (receipts) {
                    ack.put("receipts", true);
                }
                if (token != null) {
                    ack.put("token", token);
                    ack.put("token_expires", tokenExpires);
                }
            }
            CountDownLatch ackWritten = new CountDownLatch(1);
            session.send(ack, new BacklogPump.Counted(whenWritten, ackWritten));
            if (pending > 0) {
                session.startPumping();
                new BacklogPump(session, services.db().offlineMessages(), id, pageSize, lastMid, ackWritten).start();
            }
            return contacts;
        });
    }
}
