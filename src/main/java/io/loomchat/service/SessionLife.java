package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.Mailbox;
import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.store.Contact;
import io.loomchat.store.DeviceDao;
import io.loomchat.store.Group;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.store.StoreException;
import io.loomchat.store.User;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a session, in one place. A login that passed its checks goes
 * <em>device -> claim -> put back what an earlier session left -> attach and ack -> announce</em>,
 * and anything failing on the way goes through {@link #abandon}, the one rollback. A session
 * ends <em>detach -> wait for rows in flight -> put back -> offline -> release -> announce</em>,
 * whether by LOGINOUT, a dropped connection or the end of the server; or, taken over by another
 * server while Redis was away, by {@link #evict}.
 *
 * <p>Devices (protocol 2.3) are one dimension of it: a session has a {@link Seat} among its
 * user's sessions and a mailbox where its messages wait; a session without a device id is its
 * user's only one, and the rules of who may log in beside whom are those of
 * {@link OnlineUsers#claim} here and {@link Cluster#claim} across servers.
 */
final class SessionLife {

    private static final Logger LOG = LoggerFactory.getLogger(SessionLife.class);
    /** How long a logout waits for the offline rows it was handed to be written and deleted. */
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

    private SessionLife() {
    }

    /** A login whose credentials were good, and what its ack carries. */
    record Start(User user, String device, boolean receipts, String tokenHash, String newToken, String token,
                 long tokenExpires, boolean byToken) {
    }

    /** Makes {@code session} one of the user's sessions and sends the login ack; errno 2 when the user's sessions do not allow it. */
    static void begin(Services services, UserSession session, Request request, Start start) {
        int id = start.user().id();
        DeviceDao.Seen seen = services.db().devices().loggedIn(id, start.device() == null ? DeviceDao.NO_DEVICE
                : start.device(), System.currentTimeMillis());
        Mailbox mailbox = new Mailbox(id, seen.mailbox());
        if (seen.first()) {
            services.knownDevices().added(id);
        }
        Seat seat = new Seat(session, id, start.device(), mailbox.id());
        Cluster.Claim claim = claim(services, seat, start.receipts());
        try {
            if (mailbox.isDevice() && !seen.withoutDeviceKnown()) {
                takeUnaddressed(services, id, mailbox);
            }
            PutBack.leftovers(services, mailbox);
            String tokenHash = start.tokenHash();
            if (start.newToken() != null) {
                tokenHash = ResumeTokens.hash(start.newToken());
                services.db().tokens().store(tokenHash, id, start.tokenExpires());
            }
            List<Contact> friends = attach(services, session, request, start, seat, tokenHash);
            services.metrics().login(ChatMetrics.LoginResult.OK);
            if (claim == Cluster.Claim.FIRST && services.online().seatsOf(id).length == 1) {
                services.router().announce(id, start.user().name(), true, friends.stream().map(Contact::id).toList());
            }
        } catch (RuntimeException e) {
            abandon(services, session, seat);
            throw e;
        }
    }

    /**
     * The user's seat here, then in the cluster; both must agree. Returns whether the user has
     * come online with it (no other session anywhere).
     */
    private static Cluster.Claim claim(Services services, Seat seat, boolean receipts) {
        OnlineUsers.Refusal refusal = services.online().claim(seat, services.config().devices().maxDevices());
        if (refusal != OnlineUsers.Refusal.NONE) {
            services.metrics().login(ChatMetrics.LoginResult.ALREADY_ONLINE);
            throw alreadyOnline(refusal);
        }
        Cluster.Claim claim;
        try {
            claim = services.cluster().claim(new Mailbox(seat.userId(), seat.mailbox()), receipts,
                    services.config().devices().maxDevices());
        } catch (RuntimeException e) {
            services.online().release(seat.userId(), seat.session());
            throw e;
        }
        if (claim == Cluster.Claim.REFUSED) {
            services.online().release(seat.userId(), seat.session());
            services.metrics().login(ChatMetrics.LoginResult.ALREADY_ONLINE);
            throw new ServiceException(Errno.ALREADY_ONLINE);
        }
        return claim;
    }

    /** Errno 2 with the classic text, and for a device the reason (which a 2.2 client never sees). */
    private static ServiceException alreadyOnline(OnlineUsers.Refusal refusal) {
        return switch (refusal) {
            case DEVICE_TAKEN -> new ServiceException(Errno.ALREADY_ONLINE, "this device is logged in already");
            case TOO_MANY_DEVICES -> new ServiceException(Errno.ALREADY_ONLINE,
                    "this account has as many devices logged in as it may; log out on one of them");
            default -> new ServiceException(Errno.ALREADY_ONLINE);
        };
    }

    /**
     * Messages kept for a user with no known device, or stored before 2.3, wait in the mailbox of
     * the session without a device id; while that session is not a known device of the user, the
     * first device to log in takes them (PROTOCOL.md: they "reach that user's next login, whatever
     * its kind").
     */
    private static void takeUnaddressed(Services services, int userId, Mailbox mailbox) {
        services.db().offlineMessages().move(userId, mailbox.id());
    }

    /**
     * Attaches the session and sends the ack. Deliveries to this user wait while the ack is
     * built (a few database reads), so none can overtake it: backpressure on the senders, as
     * holding messages in a list instead let a burst pile up during a slow login and overflow the
     * queue when released. They wait on the session's hold, not its lock: no lock is held across
     * the reads (see {@link UserSession}).
     */
    private static List<Contact> attach(Services services, UserSession session, Request request, Start start, Seat seat,
                                        String tokenHash) {
        User user = start.user();
        int id = user.id();
        int mailbox = seat.mailbox();
        boolean modern = session.dialect() == Dialect.MODERN;
        int pageSize = services.config().login().loginBacklog();
        OfflineMessageDao store = services.db().offlineMessages();
        long skippedAtHold = session.attachHeld(id, user.name(), start.receipts(), seat.device(), mailbox, tokenHash);
        boolean pumping = false;
        try {
            services.db().users().setOnline(id, true);
            List<Contact> contacts = services.db().friends().friendsOf(id);
            List<Group> groups = services.db().groups().groupsOf(id);
            // Legacy clients get the whole backlog in the ack, as the classic server sent it.
            List<OfflineMessage> offline = modern ? store.pendingFor(mailbox, 0, pageSize) : store.pendingFor(mailbox);
            long lastMid = offline.isEmpty() ? 0 : offline.get(offline.size() - 1).mid();
            int pending = modern && offline.size() == pageSize ? store.countFor(mailbox, lastMid) : 0;
            ObjectNode ack = Frames.loginAck(request, session.dialect(), id, user.name(), contacts, groups, offline);
            if (modern) {
                ack.put("pending", pending);
                if (seat.hasDevice()) {
                    ack.put("device", seat.device());
                }
                if (start.receipts()) {
                    ack.put("receipts", true);
                }
                String token = start.byToken() ? start.token() : start.newToken();
                if (token != null) {
                    ack.put("token", token);
                    ack.put("token_expires", start.tokenExpires());
                }
            }
            CountDownLatch ackWritten = new CountDownLatch(1);
            if (!session.backlog().sendAck(mailbox, ack, offline, store, ackWritten, pending > 0)) {
                throw new ServiceException(Errno.UNAVAILABLE, "the session ended while logging in");
            }
            if (pending > 0) {
                pumping = true;
                session.backlog().release(); // live chat goes to the store behind the backlog; the pump sends it
                new BacklogPump(session, store, mailbox, pageSize, lastMid, ackWritten).start();
            }
            return contacts;
        } finally {
            if (!pumping) {
                session.backlog().releaseAfterRead(store, mailbox, skippedAtHold, false);
            }
        }
    }

    /** The one rollback: a login that failed after its claim leaves nothing behind. */
    private static void abandon(Services services, UserSession session, Seat seat) {
        session.detach();
        int leftHere = services.online().release(seat.userId(), session);
        boolean last = services.cluster().release(new Mailbox(seat.userId(), seat.mailbox()));
        if (leftHere == 0 && last) {
            markOffline(services, seat.userId());
        }
    }

    /**
     * Ends the session: once the lock is released no message reaches it (those accepted before
     * are already queued, ahead of anything sent by {@code whenOffline}); then what it was
     * handed and did not confirm goes back to the store, the user goes offline if this was
     * their last session, the claim is released and friends are told. Requests of one connection
     * run one at a time, on its reader thread, and only they change who is logged in, so reading
     * the user here without the lock is safe.
     */
    static void end(Services services, UserSession session, boolean revokeToken, Runnable whenOffline) {
        int id = session.userId();
        String name = session.userName();
        if (id == 0) { // evicted by the cluster meanwhile: the session is another server's now
            whenOffline.run();
            return;
        }
        UserSession.Ended ended = session.detach();
        Mailbox mailbox = new Mailbox(id, ended.mailbox());
        // Offline rows this session was handed are deleted once written; until then a new login
        // could fetch them again. The claim is held (a new login waits) until they are settled.
        session.awaitSettled(SETTLE_TIMEOUT);
        // The database work waits its turn with the logins; the wait for writes above does not
        // hold a place at the gate.
        services.sessionGate().signOut(() -> {
            // Before the claim goes: until then no new session of this mailbox can start, on any server.
            PutBack.sessionEnded(services, mailbox, ended);
            if (revokeToken && ended.tokenHash() != null) {
                try {
                    services.db().tokens().revoke(ended.tokenHash());
                } catch (StoreException e) {
                    LOG.warn("user {} logged out, but their resume token could not be revoked: {}", id, e.getMessage());
                }
            }
            boolean wentOffline = mailbox.isDevice() ? releaseDevice(services, session, mailbox)
                    : releaseOnlySession(services, session, mailbox);
            whenOffline.run();
            if (wentOffline) {
                announceOffline(services, id, name);
            }
        });
    }

    /**
     * A session without a device id is its user's only one: the database says offline before
     * the claim goes, so that a new login of this user racing us, here or on another server, is
     * refused rather than marked online and then overwritten with our offline.
     */
    private static boolean releaseOnlySession(Services services, UserSession session, Mailbox mailbox) {
        markOffline(services, mailbox.userId());
        services.cluster().release(mailbox);
        services.online().release(mailbox.userId(), session);
        return true;
    }

    /**
     * A device session: the user is offline only if it was their last session anywhere, which
     * releasing the claim tells. Another device logging in just then may have marked the user
     * online before our offline: the claims are asked again and the mark put right.
     */
    private static boolean releaseDevice(Services services, UserSession session, Mailbox mailbox) {
        int leftHere = services.online().release(mailbox.userId(), session);
        boolean last = services.cluster().release(mailbox);
        if (leftHere > 0 || !last) {
            return false;
        }
        markOffline(services, mailbox.userId());
        if (services.online().isOnline(mailbox.userId())) {
            services.db().users().setOnline(mailbox.userId(), true);
            return false;
        }
        return true;
    }

    private static void announceOffline(Services services, int id, String name) {
        List<Contact> friends = List.of();
        try {
            friends = services.db().friends().friendsOf(id);
        } catch (StoreException e) {
            LOG.warn("user {} went offline, but their friends could not be told: {}", id, e.getMessage());
        }
        services.router().announce(id, name, false, friends.stream().map(Contact::id).toList());
    }

    /**
     * Ends a session that another server holds now (Redis forgot this server's claim and the
     * session logged in there). The database and the user's friends are left alone: for them the
     * user is online, on the other server.
     */
    static void evict(Services services, int mailboxId, boolean reaped) {
        Seat seat = services.online().byMailbox(mailboxId);
        if (seat == null) {
            return;
        }
        UserSession.Ended ended = seat.session().detachIf(mailboxId);
        if (ended != null) {
            if (reaped) {
                LOG.warn("user {}: the cluster closed their session when it took this server for dead (paused past its "
                        + "lease); closing it here", seat.userId());
            } else {
                LOG.warn("user {} logged in on another server while Redis had lost track of them; closing their session here",
                        seat.userId());
            }
            services.online().release(seat.userId(), seat.session());
            seat.session().close();
            if (!reaped) {
                PutBack.evicted(services, new Mailbox(seat.userId(), mailboxId), ended);
            }
            // Reaped: every message the session held unconfirmed had its copy kept, and the copies
            // were put back when this server was taken for dead; the user's new session may have
            // confirmed them since, so storing them again would bring confirmed messages back.
        }
    }

    static void markOffline(Services services, int id) {
        try {
            services.db().users().setOnline(id, false);
        } catch (StoreException e) {
            LOG.warn("user {} is offline but could not be marked so: {}", id, e.getMessage());
        }
    }
}
