package io.loomchat.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;

/**
 * Where the cluster's Redis is, as {@code --redis} names it: one Redis server
 * ({@code redis://host:port}), or a master that Sentinels watch and replace when it dies
 * ({@code redis-sentinel://host:port[,host:port...]/master}). Which server is master at a given
 * moment is not part of the address; {@link RedisMaster} answers that while the server runs.
 */
public sealed interface RedisAddress {

    int DEFAULT_PORT = 6379;
    int DEFAULT_SENTINEL_PORT = 26379;

    /** As the {@code --redis} option takes it (and the startup line shows it). */
    String url();

    /** One Redis server, always the master. */
    record Direct(HostAndPort server) implements RedisAddress {
        @Override
        public String url() {
            return "redis://" + server;
        }
    }

    /**
     * A master named {@code master} in the Sentinels' configuration.
     *
     * @param sentinels at least one; any one that answers names the current master
     */
    record Sentinel(List<HostAndPort> sentinels, String master) implements RedisAddress {
        public Sentinel {
            sentinels = List.copyOf(sentinels);
        }

        @Override
        public String url() {
            return "redis-sentinel://" + sentinels.stream().map(HostAndPort::toString).collect(Collectors.joining(","))
                    + "/" + master;
        }
    }

    // Sentinel allows looser master names; these are the ones that survive a URL and a shell.
    Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    String FORMS = "redis://host:port or redis-sentinel://host:port[,host:port...]/master";

    /** Parses {@code --redis}; a malformed value is refused with a message that names the option. */
    static RedisAddress parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("--redis must be " + FORMS);
        }
        if (url.startsWith("redis-sentinel://")) {
            return parseSentinel(url);
        }
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("--redis must be " + FORMS + ", not " + url);
            }
            if (uri.getUserInfo() != null || (uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath()))) {
                throw new IllegalArgumentException("--redis takes only redis://host:port (no password, no database number)");
            }
            return new Direct(new HostAndPort(uri.getHost(), port(uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort())));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--redis must be " + FORMS + ", not " + url, e);
        }
    }

    /** By hand: java.net.URI cannot hold a list of hosts in its authority. */
    private static RedisAddress parseSentinel(String url) {
        String rest = url.substring("redis-sentinel://".length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("--redis " + url + " names no master: it must end in /MASTER, as in "
                    + "redis-sentinel://127.0.0.1:26379/loomchat");
        }
        String master = rest.substring(slash + 1);
        if (!MASTER_NAME.matcher(master).matches()) {
            throw new IllegalArgumentException("--redis: the master name must be 1-64 letters, digits, '.', '_' or '-', not '"
                    + master + "'");
        }
        LinkedHashSet<HostAndPort> sentinels = new LinkedHashSet<>();
        for (String hostPort : rest.substring(0, slash).split(",", -1)) {
            sentinels.add(sentinel(hostPort.strip(), url));
        }
        return new Sentinel(new ArrayList<>(sentinels), master);
    }

    private static HostAndPort sentinel(String hostPort, String url) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("--redis: '" + hostPort + "' in " + url + " is not a Sentinel's host:port");
        }
        if (colon < 0) {
            return new HostAndPort(host, DEFAULT_SENTINEL_PORT);
        }
        try {
            return new HostAndPort(host, port(Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--redis: '" + hostPort + "' in " + url + " has no port number", e);
        }
    }

    private static int port(int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--redis port must be between 1 and 65535, not " + port);
        }
        return port;
    }
}
