package io.loomchat.server;

import io.loomchat.tls.ServerTls;
import java.time.Duration;

/**
 * Settings of the network layer: where to listen and how much one connection may cost.
 *
 * @param host                 address to bind; {@code 0.0.0.0} listens on every interface
 * @param port                 TCP port; 0 picks a free one (tests)
 * @param maxConnections       connections served at once; further clients are refused with errno 10
 * @param maxFrameBytes        largest frame accepted, terminator excluded
 * @param idleTimeout          a connection that sends nothing for this long is closed
 * @param maxQueuedFrames      frames waiting for one slow client before it is disconnected
 * @param maxQueuedBytes       bytes waiting for one slow client before it is disconnected
 * @param flushTimeout         how long a closing connection may take to write what is queued
 * @param proxyProtocol        every connection starts with a PROXY protocol header (v1 or v2) from
 *                             a load balancer, naming the real client; connections without one
 *                             are refused
 * @param tls                  every connection speaks TLS with this certificate (after the PROXY
 *                             header, which a balancer passing TLS through sends in the clear);
 *                             {@code null} for plaintext
 * @param readerSleepAfter     a plaintext connection whose client was silent this long before its
 *                             last frame lets its reader thread end until bytes arrive again
 *                             (see {@code DormantReaders}); zero: readers never sleep
 */
public record NetworkConfig(String host, int port, int maxConnections, int maxFrameBytes,
                            Duration idleTimeout, int maxQueuedFrames, int maxQueuedBytes,
                            Duration flushTimeout, boolean proxyProtocol, ServerTls tls,
                            Duration readerSleepAfter) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 6000;
    /** Below the 20,000 open files a process may hold here, leaving room for the pool and logs. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(90);
    public static final int DEFAULT_MAX_QUEUED_FRAMES = 2_048;
    /** Large enough for a login ack carrying a long offline backlog. */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 8 * 1024 * 1024;
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Long next to a chatting client's pauses (each sleep and wake costs a selector round and a
     * thread start), short next to a heartbeat's 30 s.
     */
    public static final Duration DEFAULT_READER_SLEEP_AFTER = Duration.ofSeconds(5);

    public NetworkConfig {
        require(host != null && !host.isBlank(), "--host must not be empty");
        require(port >= 0 && port <= 65_535, "--port must be between 0 and 65535, not " + port);
        require(maxConnections > 0, "--max-connections must be positive, not " + maxConnections);
        require(maxFrameBytes >= 256, "--max-frame-bytes must be at least 256, not " + maxFrameBytes);
        require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero()
                && idleTimeout.toMillis() <= Integer.MAX_VALUE, "--idle-timeout must be a positive duration");
        require(maxQueuedFrames > 0, "the outbound queue must hold at least one frame");
        require(maxQueuedBytes > 0, "the outbound queue must hold at least one byte");
        require(flushTimeout != null && !flushTimeout.isNegative(), "the flush timeout must not be negative");
        require(readerSleepAfter != null && !readerSleepAfter.isNegative(), "--reader-sleep-after must not be negative");
    }

    /** Whether quiet plaintext readers sleep (a TLS connection's reader never does). */
    public boolean readersSleep() {
        return !readerSleepAfter.isZero() && tls == null;
    }

    /** Every default, listening on {@link #DEFAULT_HOST}:{@link #DEFAULT_PORT} in plaintext. */
    public static NetworkConfig defaults() {
        return builder().build();
    }

    /** Settings that start as {@link #defaults()}; set only what differs. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return new Builder().host(host).port(port).maxConnections(maxConnections).maxFrameBytes(maxFrameBytes)
                .idleTimeout(idleTimeout).maxQueuedFrames(maxQueuedFrames).maxQueuedBytes(maxQueuedBytes)
                .flushTimeout(flushTimeout).proxyProtocol(proxyProtocol).tls(tls).readerSleepAfter(readerSleepAfter);
    }

    public NetworkConfig withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public NetworkConfig withProxyProtocol(boolean enabled) {
        return toBuilder().proxyProtocol(enabled).build();
    }

    /** {@code null} turns TLS off. */
    public NetworkConfig withTls(ServerTls newTls) {
        return toBuilder().tls(newTls).build();
    }

    /**
     * Named setters instead of a ten-argument constructor: the settings are many, several of the
     * same type, and most callers change one or two of them. {@link #build} validates.
     */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxQueuedFrames = DEFAULT_MAX_QUEUED_FRAMES;
        private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private Duration flushTimeout = DEFAULT_FLUSH_TIMEOUT;
        private boolean proxyProtocol;
        private ServerTls tls;
        private Duration readerSleepAfter = DEFAULT_READER_SLEEP_AFTER;

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder maxConnections(int value) {
            maxConnections = value;
            return this;
        }

        public Builder maxFrameBytes(int value) {
            maxFrameBytes = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder maxQueuedFrames(int value) {
            maxQueuedFrames = value;
            return this;
        }

        public Builder maxQueuedBytes(int value) {
            maxQueuedBytes = value;
            return this;
        }

        public Builder flushTimeout(Duration value) {
            flushTimeout = value;
            return this;
        }

        public Builder proxyProtocol(boolean value) {
            proxyProtocol = value;
            return this;
        }

        /** {@code null}: plaintext. */
        public Builder tls(ServerTls value) {
            tls = value;
            return this;
        }

        /** Zero: readers never sleep. */
        public Builder readerSleepAfter(Duration value) {
            readerSleepAfter = value;
            return this;
        }

        /** @throws IllegalArgumentException a setting is out of range; the message names its option */
        public NetworkConfig build() {
            return new NetworkConfig(host, port, maxConnections, maxFrameBytes, idleTimeout, maxQueuedFrames,
                    maxQueuedBytes, flushTimeout, proxyProtocol, tls, readerSleepAfter);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
