package io.loomchat.client;

import io.loomchat.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Settings of one console client. The command line builds it; {@link ConsoleClient} runs it.
 *
 * @param host              server (or nginx) address to connect to
 * @param port              its TCP port
 * @param userId            log in as this user at start, or {@code null}
 * @param registerName      register this name at start and log in as the new user, or {@code null}
 * @param password          password for {@code userId} / {@code registerName}; {@code null} asks for it
 * @param script            read commands from stdin line by line even if it is a terminal
 * @param heartbeatInterval send a PING when nothing was sent for this long
 * @param reconnectMinDelay first wait before reconnecting after the connection was lost
 * @param reconnectMaxDelay longest wait between two connection attempts
 * @param connectTimeout    how long one connection attempt may take
 * @param replyTimeout      how long script mode waits for the answer to a command before going on
 * @param tls               speak TLS and verify the server with this, every connection (reconnects
 *                          too); {@code null} for plaintext
 * @param device            protocol 2.3: log in as this device (from {@code --device}), or {@code null}
 * @param deviceFile        protocol 2.3, when {@code device} is {@code null}: the file that keeps this
 *                          installation's device id (see {@link DeviceFile}); both {@code null} logs in
 *                          without a device, as a 2.2 client (one session per user)
 * @param notices           protocol 2.3: show "read by" and "is typing" notices in script mode too
 *                          (a terminal always shows them; a script's output stays what it was)
 */
public record ClientOptions(String host, int port, Integer userId, String registerName, String password,
                            boolean script, Duration heartbeatInterval, Duration reconnectMinDelay,
                            Duration reconnectMaxDelay, Duration connectTimeout, Duration replyTimeout,
                            ClientTls tls, String device, Path deviceFile, boolean notices) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The server's default port. */
    public static final int DEFAULT_PORT = 6000;
    /** PROTOCOL.md: a client sends PING when it has sent nothing for 30 s (server idle timeout: 90 s). */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(30);
    /** Short enough that a restarted server is found again at once, long enough not to spin. */
    public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(500);
    /** Doubling stops here, so a client comes back within half a minute of a long outage ending. */
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Login hashes a password with a slow hash; a busy server may take seconds for it. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(15);
    /** PROTOCOL.md 2.3: a device id is 1 to 64 of these characters. */
    static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ClientOptions {
        require(host != null && !host.isBlank(), "--host must not be empty");
        require(port > 0 && port <= 65_535, "--port must be between 1 and 65535, not " + port);
        require(userId == null || registerName == null, "give either --user or --register, not both");
        require(userId == null || userId > 0, "--user must be a positive user id, not " + userId);
        require(registerName == null || !registerName.isBlank(), "--register needs a name");
        requirePositive(heartbeatInterval, "--heartbeat");
        requirePositive(reconnectMinDelay, "--reconnect-delay");
        requirePositive(reconnectMaxDelay, "--reconnect-max-delay");
        require(reconnectMaxDelay.compareTo(reconnectMinDelay) >= 0,
                "--reconnect-max-delay must not be shorter than --reconnect-delay");
        requirePositive(connectTimeout, "the connect timeout");
        requirePositive(replyTimeout, "the reply timeout");
        require(device == null || DEVICE_ID.matcher(device).matches(),
                "--device must be 1 to 64 characters of A-Z a-z 0-9 . _ -, not '" + device + "'");
    }

    /** Defaults everywhere except where to connect; the device id kept in the user's file. */
    public static ClientOptions defaults(String host, int port) {
        return new ClientOptions(host, port, null, null, null, false, DEFAULT_HEARTBEAT_INTERVAL,
                DEFAULT_RECONNECT_MIN_DELAY, DEFAULT_RECONNECT_MAX_DELAY, DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_REPLY_TIMEOUT, null, null, defaultDeviceFile(), false);
    }

    /** Where this installation's device id is kept: {@code $XDG_CONFIG_HOME/loomchat/device} or the like. */
    public static Path defaultDeviceFile() {
        return DeviceFile.defaultLocation(System.getenv(), System.getProperty("user.home"));
    }

    String address() {
        return host + ":" + port;
    }

    /**
     * How long the connection may stay silent before it counts as dead. The server answers
     * every PING with a PONG, so three missed heartbeats mean a half-open connection (a
     * vanished NAT entry or proxy) that TCP itself would not notice for many minutes.
     */
    Duration readTimeout() {
        return heartbeatInterval.multipliedBy(3);
    }

    private static void requirePositive(Duration value, String option) {
        require(value != null && !value.isNegative() && !value.isZero() && value.toMillis() <= Integer.MAX_VALUE,
                option + " must be a positive duration");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
