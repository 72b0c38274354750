package io.loomchat;

import io.loomchat.server.NetworkConfig;
import io.loomchat.server.NetworkServer;
import io.loomchat.service.ChatService;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.Database;
import io.loomchat.store.StoreConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running chat server: database, business layer and network, started in that order and
 * stopped in reverse. This is where the layers meet; none of them knows the others' insides.
 */
public final class LoomChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoomChatServer.class);

    private final NetworkConfig networkConfig;
    private final Database database;
    private final ChatService service;
    private final NetworkServer network;
    private final ReentrantLock stopLock = new ReentrantLock();
    private boolean stopped; // guarded by stopLock

    private LoomChatServer(NetworkConfig networkConfig, Database database, ChatService service, NetworkServer network) {
        this.networkConfig = networkConfig;
        this.database = database;
        this.service = service;
        this.network = network;
    }

    /**
     * Opens the database (creating missing tables), resets presence left over from an earlier
     * run, and starts accepting connections.
     */
    public static LoomChatServer start(NetworkConfig network, StoreConfig store, ServiceConfig service)
            throws IOException {
        Database database = Database.open(store);
        ChatService chat = null;
        try {
            // Single node: nobody can be online before we accept anyone, whatever a kill -9 left behind.
            int reset = ChatService.resetPresence(database);
            if (reset > 0) {
                LOG.info("marked {} users offline that an earlier run left online", reset);
            }
            chat = new ChatService(service, database);
            NetworkServer server = new NetworkServer(network, chat);
            server.start();
            return new LoomChatServer(network, database, chat, server);
        } catch (IOException | RuntimeException e) {
            if (chat != null) {
                chat.close();
            }
            database.close();
            throw e;
        }
    }

    public int port() {
        return network.port();
    }

    public int onlineUsers() {
        return service.onlineUsers();
    }

    public int connections() {
        return network.connectionCount();
    }

    /**
     * Stops accepting, closes every connection after flushing what is queued for it (its user
     * goes offline and friends are told), then closes the pool. Safe to call more than once.
     */
    @Override
    public void close() {
        stopLock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            LOG.info("shutting down: {} connections, {} users online", connections(), onlineUsers());
            network.stop(networkConfig.flushTimeout().plus(Duration.ofSeconds(5)));
            service.close();
            database.close();
            LOG.info("shut down");
        } finally {
            stopLock.unlock();
        }
    }
}
