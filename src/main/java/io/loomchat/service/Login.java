package io.loomchat.service;

import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.store.User;
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
        // Protocol 2.3: a name instead of the id, with a password; a token stays tied to an id.
        boolean byName = !request.has("id") && request.has("name") && !request.has("token");
        int givenId = byName ? 0 : request.requiredInt("id");
        String name = byName ? request.requiredText("name", FindUsersHandler.MAX_PREFIX_CHARS) : null;
        boolean byToken = request.has("token");
        String secret = byToken
                ? request.requiredText("token", ResumeTokens.MAX_CHARS)
                : request.requiredText("password", AccountHandlers.MAX_PASSWORD_CHARS);
        request.optionalFlag("receipts"); // a malformed one is refused before any work is done
        device(request);
        if (session.loggedIn()) {
            throw new ServiceException(Errno.CONFLICT,
                    "this connection is already logged in as user " + session.userId() + ", log out first");
        }
        String address = session.clientAddress();
        services.sessionGate().login(() -> {
            int id = byName ? idOf(services, name) : givenId;
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
        User user = id > 0 ? services.db().users().find(id) : null;
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
        // Devices and receipts are modern-dialect features: a legacy client is never asked to confirm.
        String device = modern ? device(request) : null;
        // A device session is always a receipts session (protocol 2.3), asked or not.
        boolean receipts = modern && (device != null || request.optionalFlag("receipts"));
        String newToken = null;
        if (modern && !byToken) {
            newToken = ResumeTokens.newToken();
            tokenExpires = System.currentTimeMillis() + services.config().login().tokenLifetime().toMillis();
        }
        SessionLife.begin(services, session, request,
                new SessionLife.Start(user, device, receipts, tokenHash, newToken, byToken ? secret : null, tokenExpires, byToken));
        LOG.info("login of user {} from {} ({}{})", id, address, byToken ? "token" : "password",
                device == null ? "" : ", device " + device);
    }

    /**
     * The id of a user by name; for a name nobody has, a negative number of its own, which no user
     * has: the login then fails as a wrong password does (errno 1), after the same password check
     * and with failures counted for that name alone, so that neither the answer, its timing nor the
     * back-off tells which names exist.
     */
    private static int idOf(Services services, String name) {
        User user = services.db().users().findByName(name);
        return user != null ? user.id() : -1 - (name.hashCode() & Integer.MAX_VALUE);
    }

    /** The device id of a 2.3 login, null when it names none; errno 4 when it is not one. */
    static String device(Request request) {
        if (!request.has("device")) {
            return null;
        }
        String device = request.requiredText("device", DevicePolicy.MAX_DEVICE_ID_CHARS);
        if (!DevicePolicy.DEVICE_ID.matcher(device).matches()) {
            throw new ServiceException(Errno.BAD_REQUEST, "device must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        return device;
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
}
