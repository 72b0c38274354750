package io.loomchat;

import io.loomchat.cluster.ClusterConfig;
import io.loomchat.server.NetworkConfig;
import io.loomchat.server.WebConfig;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.StoreConfig;
import java.time.Duration;

/**
 * Everything one server is made of, checked as a whole: each part's record checks its own
 * values, this one checks how they fit together (a cluster needs a shared database, say). A
 * {@link LoomChatServer} is started from exactly this, whoever builds it: the command line, a
 * test, a load test.
 *
 * @param network           the TCP port and every connection's limits (the web port shares them)
 * @param store             the database
 * @param service           the chat rules
 * @param cluster           cluster mode over Redis; {@code null} for a single server
 * @param web               the browser client and its WebSocket; {@code null} for none
 * @param metricsPort       the operator's port ({@code /metrics}, {@code /health}, {@code /ready})
 *                          on the network's host, 0 for any free one; {@code null} for none
 * @param tlsReloadInterval how often the certificate files are read again when the network
 *                          speaks TLS; zero: never
 */
public record ServerSettings(NetworkConfig network, StoreConfig store, ServiceConfig service, ClusterConfig cluster,
                             WebConfig web, Integer metricsPort, Duration tlsReloadInterval) {

    /** A renewed certificate is served within a minute; reading two small files costs nothing. */
    public static final Duration DEFAULT_TLS_RELOAD_INTERVAL = Duration.ofMinutes(1);

    public ServerSettings {
        if (network == null || store == null || service == null) {
            throw new NullPointerException("the network, database and service settings are required");
        }
        if (cluster != null && store.embedded()) {
            throw new IllegalArgumentException("--redis (cluster mode) needs --db-url naming the MySQL/MariaDB "
                    + "database that every server of the cluster shares; the embedded database belongs to one server");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
            throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, not " + metricsPort);
        }
        if (tlsReloadInterval == null || tlsReloadInterval.isNegative()) {
            throw new IllegalArgumentException("--tls-reload-interval must not be negative (0s: never)");
        }
    }

    /**
     * Settings over {@code store} with every other part at its default: the network's, the
     * service's, a single server, no web port, no metrics port.
     */
    public static Builder builder(StoreConfig store) {
        return new Builder(store);
    }

    /** A builder holding these settings, to change some of them (a test's restart on the same ports). */
    public Builder toBuilder() {
        return new Builder(store).network(network).service(service).cluster(cluster).web(web)
                .metricsPort(metricsPort).tlsReloadInterval(tlsReloadInterval);
    }

    /** The name this server gives itself in logs and metrics: its cluster node name, or "single". */
    String nodeName() {
        return cluster == null ? "single" : cluster.nodeName();
    }

    /** Named setters; {@link #build} checks the whole. */
    public static final class Builder {
        private NetworkConfig network = NetworkConfig.defaults();
        private StoreConfig store;
        private ServiceConfig service = ServiceConfig.defaults();
        private ClusterConfig cluster;
        private WebConfig web;
        private Integer metricsPort;
        private Duration tlsReloadInterval = DEFAULT_TLS_RELOAD_INTERVAL;

        private Builder(StoreConfig store) {
            this.store = store;
        }

        public Builder network(NetworkConfig value) {
            network = value;
            return this;
        }

        public Builder store(StoreConfig value) {
            store = value;
            return this;
        }

        public Builder service(ServiceConfig value) {
            service = value;
            return this;
        }

        /** {@code null}: a single server. */
        public Builder cluster(ClusterConfig value) {
            cluster = value;
            return this;
        }

        /**
         * Cluster mode as the command line gives it.
         *
         * @param redisUri      {@code redis://...} or {@code redis-sentinel://...}; null or blank: a single server
         * @param nodeId        null or blank for a generated name; refused without a Redis
         * @param channelPrefix null for the default
         * @throws IllegalArgumentException a node id without Redis, or a bad URI, id or prefix
         */
        public Builder cluster(String redisUri, String nodeId, String channelPrefix) {
            if (redisUri == null || redisUri.isBlank()) {
                if (nodeId != null && !nodeId.isBlank()) {
                    throw new IllegalArgumentException("--node-id names a server of a cluster: give --redis too");
                }
                cluster = null;
            } else {
                cluster = ClusterConfig.of(redisUri, nodeId, channelPrefix);
            }
            return this;
        }

        /** {@code null}: no web port. */
        public Builder web(WebConfig value) {
            web = value;
            return this;
        }

        /** {@code null}: no operator's port. */
        public Builder metricsPort(Integer value) {
            metricsPort = value;
            return this;
        }

        public Builder tlsReloadInterval(Duration value) {
            tlsReloadInterval = value;
            return this;
        }

        /** @throws IllegalArgumentException the parts do not fit together; the message names the option */
        public ServerSettings build() {
            return new ServerSettings(network, store, service, cluster, web, metricsPort, tlsReloadInterval);
        }
    }
}
