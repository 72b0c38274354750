package io.loomchat.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.ClusterUnavailableException;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.server.ConnectionListener;
import io.loomchat.server.Outbound;
import io.loomchat.store.Database;
import io.loomchat.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The business layer: turns frames into requests, routes them through the {@link HandlerTable}
 * and maps every failure to an errno. It never sees a socket, only {@link Outbound}.
 */
public final class ChatService implements ConnectionListener.Factory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    /** Enough of a parser's complaint to tell the client what was wrong, without echoing its frame. */
    private static final int MAX_REASON_CHARS = 120;

    private final Services services;
    private final DeviceExpiry deviceExpiry;
    private final ConfirmedMarks confirmedMarks;

    /**
     * The chat rules over a database and a cluster ({@link io.loomchat.cluster.SingleNode} when
     * there is none). Starts listening to the cluster before the network accepts anyone.
     */
    public ChatService(ServiceConfig config, Database database, Cluster cluster, MeterRegistry registry) {
        this(config, database, cluster, registry, () -> { });
    }

    /**
     * As above; {@code beforeOfflineStore} runs on the storing thread just before a message is
     * written to the offline store, so that a test can make a login race it every time.
     */
    ChatService(ServiceConfig config, Database database, Cluster cluster, MeterRegistry registry,
                Runnable beforeOfflineStore) {
        OnlineUsers online = new OnlineUsers();
        ChatMetrics metrics = new ChatMetrics(registry);
        KnownDevices devices = new KnownDevices(database.devices(), cluster);
        MessageRouter router = new MessageRouter(online, database.offlineMessages(), cluster, devices, metrics, beforeOfflineStore);
        this.services = new Services(config, database, online, router,
                new PasswordHasher(config.passwordIterations(), config.hashThreads()),
                new MessageIds(cluster.messageNodeNumber()), cluster,
                new GroupMembers(database.groups(), cluster),
                new LoginThrottle(config.login(), cluster.loginFailures()),
                new SessionGate(database.poolSize() * SessionGate.PER_CONNECTION), devices, metrics,
                History.start(config.history(), database.history()),
                new ReadMarks(database.conversations(), (reader, mark) -> ReadStateHandlers.tell(router, reader, mark)));
        registry.gauge("loomchat.users.online", online, OnlineUsers::count);
        registry.gauge("loomchat.sessions.waiting", services.sessionGate(), SessionGate::waiting);
        if (services.history().writer() != null) {
            registry.more().counter("loomchat.history.commits", List.of(), services.history().writer(),
                    HistoryWriter::commits);
            registry.more().counter("loomchat.history.messages", List.of(), services.history().writer(),
                    HistoryWriter::rowsWritten);
        }
        this.deviceExpiry = new DeviceExpiry(database.devices(), devices, config.devices().expiry(), System::currentTimeMillis);
        this.confirmedMarks = new ConfirmedMarks(database.offlineMessages(), System::currentTimeMillis);
        try {
            cluster.start(new ClusterEvents(services));
        } catch (RuntimeException e) {
            services.readMarks().close(); // their threads would outlive a server that never started
            services.history().close();
            throw e;
        }
        deviceExpiry.start();
        confirmedMarks.start();
    }

    @Override
    public byte[] serverFull(int maxConnections) {
        return Json.frame(Frames.error(0, null, Errno.UNAVAILABLE,
                "this server is full (" + maxConnections + " connections); try again or another server"));
    }

    @Override
    public ConnectionListener connected(Outbound outbound) {
        return new UserSession(outbound, this, services.config().newRateLimiter());
    }

    /** Users logged in on this server. */
    public int onlineUsers() {
        return services.online().count();
    }

    /** Serves one frame; returns true when the connection should read on from a fresh thread. */
    boolean dispatch(UserSession session, byte[] buffer, int offset, int length) {
        Request request;
        try {
            request = Request.parse(buffer, offset, length);
            if (request == null) {
                return false; // a line of blanks
            }
        } catch (JsonProcessingException e) {
            refuse(session, Frames.error(0, null, Errno.BAD_REQUEST, "not a valid JSON object: " + reason(e)), Errno.BAD_REQUEST);
            return false;
        } catch (IOException e) {
            refuse(session, Frames.error(0, null, Errno.BAD_REQUEST, "not a valid JSON object"), Errno.BAD_REQUEST);
            return false;
        } catch (Request.Refusal e) {
            refuse(session, Frames.error(e.msgid, e.seq, Errno.BAD_REQUEST, e.getMessage()), Errno.BAD_REQUEST);
            return false;
        }
        services.metrics().request(request.type());
        HandlerTable.Route route = HandlerTable.route(request.type());
        try {
            serve(session, request, route);
        } catch (ServiceException e) {
            ObjectNode refusal = Frames.error(request.msgid(), request.seq(), e.errno(), e.getMessage());
            if (e.retryAfterMillis() > 0) {
                refusal.put("retry_after", e.retryAfterMillis());
            }
            refuse(session, refusal, e.errno());
        } catch (StoreException | ClusterUnavailableException e) {
            LOG.warn("{}: {} not carried out: {}", session, request.type(), e.getMessage());
            refuse(session, Frames.error(request.msgid(), request.seq(), Errno.UNAVAILABLE, Errno.UNAVAILABLE.text()),
                    Errno.UNAVAILABLE);
        } catch (RuntimeException e) {
            LOG.warn("{}: {} failed unexpectedly", session, request.type(), e);
            refuse(session, Frames.error(request.msgid(), request.seq(), Errno.UNAVAILABLE, Errno.UNAVAILABLE.text()),
                    Errno.UNAVAILABLE);
        }
        return route != null && route.freshReaderAfter();
    }

    private void refuse(UserSession session, ObjectNode refusal, Errno errno) {
        services.metrics().error(errno);
        session.send(refusal);
    }

    ChatMetrics metrics() {
        return services.metrics();
    }

    private void serve(UserSession session, Request request, HandlerTable.Route route) {
        if (!session.withinRate()) {
            throw new ServiceException(Errno.RATE_LIMITED, "too many requests, slow down");
        }
        if (route == null) {
            throw new ServiceException(Errno.BAD_REQUEST, "unknown msgid " + request.msgid());
        }
        if (route.needsLogin() && !session.loggedIn()) {
            throw new ServiceException(Errno.NOT_LOGGED_IN, "log in first");
        }
        // Identity comes from the session; a request may repeat it, but not claim another.
        if (session.loggedIn() && request.type() != MessageType.LOGIN && request.has("id")
                && request.requiredInt("id") != session.userId()) {
            throw new ServiceException(Errno.FORBIDDEN,
                    "id " + request.requiredInt("id") + " is not the logged-in user " + session.userId());
        }
        route.handler().handle(services, session, request);
    }

    /** The connection of {@code session} closed: its user, if any, goes offline. */
    void disconnected(UserSession session) {
        try {
            AccountHandlers.signOut(services, session);
        } catch (RuntimeException e) {
            LOG.warn("{}: sign-out after disconnect failed", session, e);
        }
    }

    private static String reason(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (reason == null) {
            return "unreadable";
        }
        int cut = reason.indexOf('\n');
        reason = cut < 0 ? reason : reason.substring(0, cut);
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...";
    }

    @Override
    public void close() {
        services.passwords().close();
        deviceExpiry.close();
        confirmedMarks.close();
        services.readMarks().close();
        services.history().close();
    }

    /** For single-node start-up: nobody can be online before this server accepts anyone. */
    public static int resetPresence(Database database) {
        return database.users().resetAllOffline();
    }
}
