package io.loomchat.cli;

import io.loomchat.LoomChatServer;
import io.loomchat.ServerSettings;
import io.loomchat.cluster.ClusterConfig;
import io.loomchat.cluster.ClusterUnavailableException;
import io.loomchat.server.NetworkConfig;
import io.loomchat.server.WebConfig;
import io.loomchat.service.HistoryPolicy;
import io.loomchat.service.ServiceConfig;
import io.loomchat.store.StoreConfig;
import io.loomchat.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomchat server}: runs one chat server until SIGINT or SIGTERM. */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Runs a chat server. Without --db-url it keeps its data in an embedded database under ./data/.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"1:failed at run time", "2:bad options", "3:cannot listen on the port",
                "4:cannot open the database", "5:cannot reach Redis, or the --node-id is in use", "130:stopped by Ctrl-C (SIGINT) after a clean shutdown",
                "143:stopped by SIGTERM after a clean shutdown"})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--host", defaultValue = "${env:LOOMCHAT_HOST:-" + NetworkConfig.DEFAULT_HOST + "}",
            description = "Address to listen on (env LOOMCHAT_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:LOOMCHAT_PORT:-" + NetworkConfig.DEFAULT_PORT + "}",
            description = "TCP port (env LOOMCHAT_PORT, default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--db-url", defaultValue = "${env:LOOMCHAT_DB_URL}",
            description = "JDBC URL, e.g. jdbc:mysql://127.0.0.1:3306/loomchat (env LOOMCHAT_DB_URL; "
                    + "default: embedded H2 under ./data/).")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = "${env:LOOMCHAT_DB_USER:-root}",
            description = "Database user (env LOOMCHAT_DB_USER, default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:LOOMCHAT_DB_PASSWORD:-}",
            description = "Database password (env LOOMCHAT_DB_PASSWORD, default empty).")
    String dbPassword;

    @Option(names = "--max-connections",
            defaultValue = "${env:LOOMCHAT_MAX_CONNECTIONS:-" + NetworkConfig.DEFAULT_MAX_CONNECTIONS + "}",
            description = "Connections served at once (env LOOMCHAT_MAX_CONNECTIONS, default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-frame-bytes",
            defaultValue = "${env:LOOMCHAT_MAX_FRAME_BYTES:-" + NetworkConfig.DEFAULT_MAX_FRAME_BYTES + "}",
            description = "Largest request frame in bytes (env LOOMCHAT_MAX_FRAME_BYTES, default ${DEFAULT-VALUE}).")
    int maxFrameBytes;

    @Option(names = "--idle-timeout", defaultValue = "${env:LOOMCHAT_IDLE_TIMEOUT:-90s}",
            converter = DurationConverter.class,
            description = "Close connections silent this long, e.g. 90s, 2m (env LOOMCHAT_IDLE_TIMEOUT, "
                    + "default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--reader-sleep-after", defaultValue = "${env:LOOMCHAT_READER_SLEEP_AFTER:-5s}",
            converter = DurationConverter.class,
            description = "A plaintext TCP client silent this long before a frame lets its reader thread end "
                    + "until it sends again, so an idle client costs no thread; 0 keeps every reader parked "
                    + "(env LOOMCHAT_READER_SLEEP_AFTER, default ${DEFAULT-VALUE}).")
    Duration readerSleepAfter;

    @Option(names = "--password-iterations",
            defaultValue = "${env:LOOMCHAT_PASSWORD_ITERATIONS:-" + ServiceConfig.DEFAULT_PASSWORD_ITERATIONS + "}",
            description = "PBKDF2 iterations for new password hashes (env LOOMCHAT_PASSWORD_ITERATIONS, "
                    + "default ${DEFAULT-VALUE}).")
    int passwordIterations;

    @Option(names = "--hash-threads",
            defaultValue = "${env:LOOMCHAT_HASH_THREADS:-0}",
            description = "Platform threads hashing passwords; fewer than the cores keep chat responsive during "
                    + "a login storm (env LOOMCHAT_HASH_THREADS, default 0 = one per core).")
    int hashThreads;

    @Option(names = "--max-message-chars",
            defaultValue = "${env:LOOMCHAT_MAX_MESSAGE_CHARS:-" + ServiceConfig.DEFAULT_MAX_MESSAGE_CHARS + "}",
            description = "Longest chat text in characters (env LOOMCHAT_MAX_MESSAGE_CHARS, default ${DEFAULT-VALUE}).")
    int maxMessageChars;

    @Option(names = "--max-requests-per-second",
            defaultValue = "${env:LOOMCHAT_MAX_REQUESTS_PER_SECOND:-" + ServiceConfig.DEFAULT_REQUESTS_PER_SECOND + "}",
            description = "Requests per connection per second before errno 8, bursts of twice that; 0 = no limit "
                    + "(env LOOMCHAT_MAX_REQUESTS_PER_SECOND, default ${DEFAULT-VALUE}).")
    int maxRequestsPerSecond;

    @Option(names = "--db-pool-size", defaultValue = "${env:LOOMCHAT_DB_POOL_SIZE:-" + StoreConfig.DEFAULT_POOL_SIZE + "}",
            description = "JDBC connections in the pool (env LOOMCHAT_DB_POOL_SIZE, default ${DEFAULT-VALUE}).")
    int dbPoolSize;

    @Option(names = "--history-retention", converter = DurationConverter.class,
            defaultValue = "${env:LOOMCHAT_HISTORY_RETENTION:-365d}",
            description = "How long conversation history is kept, e.g. 365d, 90d; 0d keeps none "
                    + "(env LOOMCHAT_HISTORY_RETENTION, default ${DEFAULT-VALUE}).")
    Duration historyRetention;

    @Mixin
    AccountOptions accounts;

    @Mixin
    LoggingOptions logging;

    @Mixin
    ServerTlsOptions tls;

    @Option(names = "--proxy-protocol", defaultValue = "${env:LOOMCHAT_PROXY_PROTOCOL:-false}",
            description = "Behind a load balancer that sends the PROXY protocol (nginx: proxy_protocol on): take each "
                    + "client's address from its header, and refuse connections without one (env LOOMCHAT_PROXY_PROTOCOL).")
    boolean proxyProtocol;

    @Option(names = "--metrics-port", defaultValue = "${env:LOOMCHAT_METRICS_PORT}",
            description = "Serve /metrics (Prometheus), /health and /ready on this port of --host "
                    + "(env LOOMCHAT_METRICS_PORT; default: off).")
    Integer metricsPort;

    @Option(names = "--web-port", defaultValue = "${env:LOOMCHAT_WEB_PORT}",
            description = "Serve the browser client at / and the protocol over WebSocket at /ws on this port of --host "
                    + "(env LOOMCHAT_WEB_PORT; default: off).")
    Integer webPort;

    @Option(names = "--web-origins", defaultValue = "${env:LOOMCHAT_WEB_ORIGINS:-}", split = ",",
            description = "Other web origins whose pages may open a WebSocket, e.g. https://chat.example.com; * for any "
                    + "(env LOOMCHAT_WEB_ORIGINS, comma-separated; default: the page's own origin only).")
    List<String> webOrigins;

    @Option(names = "--web-trusted-proxies", defaultValue = "${env:LOOMCHAT_WEB_TRUSTED_PROXIES:-}", split = ",",
            description = "IP addresses of reverse proxies (nginx) whose X-Forwarded-For names each web client "
                    + "(env LOOMCHAT_WEB_TRUSTED_PROXIES, comma-separated; default: none).")
    List<String> webTrustedProxies;

    @Option(names = "--redis", defaultValue = "${env:LOOMCHAT_REDIS}",
            description = "Cluster mode: Redis as redis://host:port, or a master watched by Sentinels as "
                    + "redis-sentinel://host:port[,host:port...]/master (every connection follows the master they name), "
                    + "shared by every server of the cluster, with a shared --db-url "
                    + "(env LOOMCHAT_REDIS; default: a single server, no Redis).")
    String redis;

    @Option(names = "--node-id", defaultValue = "${env:LOOMCHAT_NODE_ID}",
            description = "This server's name in the cluster, unique among running servers (env LOOMCHAT_NODE_ID; "
                    + "default: generated and logged).")
    String nodeId;

    @Option(names = "--channel-prefix", defaultValue = "${env:LOOMCHAT_CHANNEL_PREFIX:-" + ClusterConfig.DEFAULT_CHANNEL_PREFIX + "}",
            description = "Prefix of every Redis key and channel, so that deployments can share a Redis "
                    + "(env LOOMCHAT_CHANNEL_PREFIX, default ${DEFAULT-VALUE}).")
    String channelPrefix;

    @Override
    public Integer call() {
        ServerSettings settings;
        try {
            logging.apply();
            settings = settings();
        } catch (IllegalArgumentException e) {
            System.err.println("loomchat server: " + e.getMessage());
            return ExitCodes.USAGE;
        }

        LoomChatServer server;
        try {
            server = LoomChatServer.start(settings);
        } catch (ClusterUnavailableException e) {
            System.err.println("loomchat server: " + e.getMessage());
            return ExitCodes.NO_CLUSTER;
        } catch (IllegalStateException e) { // the node id is in use by a running server
            System.err.println("loomchat server: " + e.getMessage());
            return ExitCodes.NO_CLUSTER;
        } catch (StoreException e) {
            System.err.println("loomchat server: cannot open the database " + settings.store().url() + ": "
                    + e.getMessage());
            return ExitCodes.NO_DATABASE;
        } catch (IOException e) { // names the port that could not be bound
            System.err.println("loomchat server: " + e.getMessage());
            return ExitCodes.CANNOT_LISTEN;
        }
        // Said once everything listens: scripts and tests wait for this line before they connect.
        System.err.println(listeningLine(settings, server));

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "loomchat-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }

    /**
     * The options as one server's settings; every check of them happens in the settings records.
     *
     * @throws IllegalArgumentException an option is bad or does not fit with another; the message names it
     */
    ServerSettings settings() {
        NetworkConfig network = NetworkConfig.builder().host(host).port(port).maxConnections(maxConnections)
                .maxFrameBytes(maxFrameBytes).idleTimeout(idleTimeout).readerSleepAfter(readerSleepAfter).proxyProtocol(proxyProtocol).build()
                .withTls(tls.load()); // the files are read only once the other network options are known good
        StoreConfig store = new StoreConfig(dbUrl == null || dbUrl.isBlank() ? StoreConfig.EMBEDDED_URL : dbUrl,
                dbUser, dbPassword, dbPoolSize, StoreConfig.DEFAULT_CONNECTION_TIMEOUT);
        ServiceConfig service = new ServiceConfig(passwordIterations,
                hashThreads == 0 ? ServiceConfig.DEFAULT_HASH_THREADS : hashThreads, maxMessageChars,
                maxRequestsPerSecond, accounts.limits(), accounts.loginPolicy(), accounts.devicePolicy(),
                HistoryPolicy.defaults().withRetention(historyRetention));
        return ServerSettings.builder(store)
                .network(network)
                .service(service)
                .web(webPort == null ? null : new WebConfig(webPort, nonBlank(webOrigins), nonBlank(webTrustedProxies)))
                .cluster(redis, nodeId, channelPrefix)
                .metricsPort(metricsPort)
                .tlsReloadInterval(tls.reloadInterval)
                .build();
    }

    private static String listeningLine(ServerSettings settings, LoomChatServer server) {
        NetworkConfig network = settings.network();
        return "loomchat server listening on " + network.host() + ":" + server.port()
                + (network.tls() == null ? "" : " with TLS")
                + " (database " + describe(settings.store().url())
                + (settings.cluster() == null ? ""
                        : "; cluster node " + server.nodeName() + " via " + settings.cluster().redisAddress())
                + ")" + (settings.web() == null ? ""
                        : "; browser client on " + (network.tls() == null ? "http" : "https") + "://" + network.host()
                                + ":" + server.webPort() + "/")
                + "; stop with Ctrl-C";
    }

    /** An empty environment variable gives one empty entry; it means "none". */
    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** The URL without anything after ';' or '?', where passwords and options live. */
    private static String describe(String url) {
        int cut = url.length();
        for (char c : new char[] {';', '?'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }
}
