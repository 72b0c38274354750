package io.loomchat.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;
import redis.clients.jedis.HostAndPort;

/** Reads {@code --redis} into a {@link RedisAddress}; every refusal names the option. */
final class RedisUrls {

    static final int DEFAULT_PORT = 6379;
    static final int DEFAULT_SENTINEL_PORT = 26379;

    // Sentinel allows looser master names; these are the ones that survive a URL and a shell.
    private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}");
    private static final String FORMS = "redis://host:port or redis-sentinel://host:port[,host:port...]/master";

    private RedisUrls() {
    }

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
            return new RedisAddress.Direct(new HostAndPort(uri.getHost(), port(uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort())));
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
        return new RedisAddress.Sentinel(new ArrayList<>(sentinels), master);
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
