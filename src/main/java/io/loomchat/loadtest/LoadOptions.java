package io.loomchat.loadtest;

import io.loomchat.cli.DurationConverter;
import io.loomchat.loadtest.wire.Framing;
import io.loomchat.loadtest.wire.LoadTransport;
import io.loomchat.tls.ClientTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Every option of {@code loomchat loadtest}, shared by all scenarios (a picocli mixin of the
 * command). Fields are read by the scenarios directly; {@link #validate} is the one place that
 * rejects bad combinations, naming the option.
 */
public final class LoadOptions {

    static final int DEFAULT_RATE_MODE_WINDOW = 1_000;
    /** PROTOCOL.md 2.3: up to 10 device sessions per user (the server's default limit). */
    static final int MAX_DEVICES = 10;

    @Option(names = "--target", split = ",", paramLabel = "HOST:PORT",
            description = "Servers to connect to, e.g. 127.0.0.1:7001,127.0.0.1:7002 (default: --host and --port).")
    List<String> targets = List.of();

    @Option(names = "--cross-server", description = "Put the partners of a pair on different targets.")
    boolean crossServer;

    @Option(names = {"--source-addresses", "--sources"}, defaultValue = "", paramLabel = "RANGE",
            description = "Local addresses to connect from, round robin, e.g. 127.0.0.2-127.0.0.200 (each has its own ephemeral ports).")
    String sources;

    @Option(names = "--users", defaultValue = "1000",
            description = "Simulated users (default ${DEFAULT-VALUE}); chat uses users/2 pairs unless --pairs is given.")
    public int users;

    @Option(names = "--pairs", defaultValue = "0", description = "chat: pairs of users chatting with each other (overrides --users).")
    int pairs;

    @Option(names = "--one-way", description = "chat: only the first user of each pair sends (default: both do).")
    public boolean oneWay;

    @Option(names = "--group-size", defaultValue = "20", description = "group: members per group (default ${DEFAULT-VALUE}).")
    public int groupSize;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "Registrations and logins in flight at once; login: the storm's parallel clients (default ${DEFAULT-VALUE}).")
    public int concurrency;

    @Option(names = "--ramp", defaultValue = "0",
            description = "Logins started per second while connecting the clients; 0 = as fast as --concurrency allows.")
    public int rampPerSecond;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "How long the measured phase runs (default ${DEFAULT-VALUE}).")
    public Duration duration;

    @Option(names = "--window", defaultValue = "1",
            description = "Closed loop: messages in flight per sender, until delivered (default ${DEFAULT-VALUE}).")
    public int window;

    @Option(names = "--rate", defaultValue = "0",
            description = "Open loop: chat messages per second over all senders instead of a closed loop; 0 = closed loop.")
    public double rate;

    @Option(names = "--payload", defaultValue = "64", description = "Characters per chat text (default ${DEFAULT-VALUE}).")
    public int payload;

    @Option(names = "--framing", defaultValue = "modern",
            description = "modern (\\n, ACKs) or classic (\\0, the C++ client's dialect: no ACK, no PONG) (default ${DEFAULT-VALUE}).")
    public String framing;

    @Option(names = "--transport", defaultValue = "tcp",
            description = "tcp (the chat port) or ws (WebSocket on the servers' web ports, /ws, as browsers connect): "
                    + "the --target addresses are then web ports (default ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--no-receipts",
            description = "Log in without delivery receipts (protocol 2.1): no RECEIPT frames, no dropping of repeats by mid. "
                    + "By default every modern login asks for them; classic framing has none.")
    boolean noReceipts;

    @Option(names = "--devices", defaultValue = "1", paramLabel = "N",
            description = "Device sessions per user (protocol 2.3), 1-" + MAX_DEVICES + ", all online, each its own connection "
                    + "logging in with device id d0..d{N-1} and confirming its own copies; 1 = no device id at all "
                    + "(protocol 2.2 sessions) (default ${DEFAULT-VALUE}).")
    public int devices;

    @Option(names = "--device-ids",
            description = "With --devices 1: log in with the device id d0 all the same, so that every session is a protocol 2.3 "
                    + "device session (the only kind that gets READ_NOTICE, DELIVERED and TYPING); the baseline of --read-state.")
    boolean deviceIds;

    @Option(names = "--read-state",
            description = "chat: protocol 2.3 read state and typing on top of the chat: every device sends READ {with, upto: mid} "
                    + "after each chat frame it shows from another user, and TYPING to its partner every 3 s; the READ_NOTICE, "
                    + "DELIVERED and TYPING frames received are counted. Needs device sessions (--device-ids or --devices 2+).")
    public boolean readState;

    @Option(names = "--heartbeat", defaultValue = "30s", converter = DurationConverter.class,
            description = "A client that sent nothing for this long sends PING (default ${DEFAULT-VALUE}).")
    public Duration heartbeat;

    @Option(names = "--tls", description = "Connect with TLS, verifying the server's certificate and host name.")
    boolean tls;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "With --tls: trust the CA certificates in this file instead of the JDK's default trust store.")
    Path caFile;

    /** Made by {@link #validate} from --tls and --ca-file; null for plaintext. */
    private ClientTls clientTls;

    @Option(names = "--prefix", description = "Name prefix of the registered users (default: lt-<time>).")
    String prefix;

    @Option(names = "--server-rate-limit", defaultValue = "-1",
            description = "The server's --max-requests-per-second, as you started it: recorded in the report (informational).")
    public int serverRateLimit;

    @Option(names = "--kill-pid", defaultValue = "0", description = "failover: the server process to kill -9.")
    public long killPid;

    @Option(names = "--kill-command", description = "failover: shell command that kills a server (run with sh -c).")
    public String killCommand;

    @Option(names = "--kill-after", defaultValue = "3s", converter = DurationConverter.class,
            description = "failover: when to kill, after chat started (default ${DEFAULT-VALUE}).")
    public Duration killAfter;

    @Option(names = "--recovery-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "failover: longest wait for every dropped client to be back (default ${DEFAULT-VALUE}).")
    public Duration recoveryTimeout;

    @Option(names = "--idle-users", defaultValue = "0",
            description = "failover: clients held idle (heartbeats only) besides the chatting ones; they are back when logged in again.")
    public int idleUsers;

    @Option(names = "--fault", paramLabel = "NAME=COMMAND",
            description = "chaos: a fault to inject, a name and a shell command (run with sh -c), e.g. "
                    + "'pause-node2=./cluster pause node2 5'; give several, one is picked at random each time.")
    public List<String> faults = List.of();

    @Option(names = "--fault-every", defaultValue = "10s", converter = DurationConverter.class,
            description = "chaos: mean time between faults; each gap is drawn from half to one and a half of it (default ${DEFAULT-VALUE}).")
    public Duration faultEvery;

    @Option(names = "--seed", defaultValue = "0",
            description = "chaos: seed of the fault schedule, to run the same schedule again (default 0: one drawn and printed).")
    public long seed;

    /**
     * Set by the chaos scenario, not an option: every RECEIPT is followed by a PING whose PONG
     * proves it handled, and a message delivered again after that is counted (see
     * {@link io.loomchat.loadtest.receipts.ConfirmationProofs}).
     */
    public volatile boolean proveConfirmations;

    @Option(names = "--chatting-percent", defaultValue = "10",
            description = "mixed: share of users chatting one-to-one (default ${DEFAULT-VALUE}).")
    public int chattingPercent;

    @Option(names = "--group-percent", defaultValue = "5",
            description = "mixed: share of users chatting in groups (default ${DEFAULT-VALUE}).")
    public int groupPercent;

    @Option(names = "--logins-per-second", defaultValue = "5",
            description = "mixed: the trickle of extra logins (default ${DEFAULT-VALUE}).")
    public double loginsPerSecond;

    @Option(names = "--drain", defaultValue = "5s", converter = DurationConverter.class,
            description = "After the measured phase, how long to wait for the last deliveries (default ${DEFAULT-VALUE}).")
    public Duration drain;

    @Option(names = "--processes", defaultValue = "1",
            description = "Worker JVMs to spread the clients over (one process holds at most ~20,000 sockets here).")
    public int processes;

    @Option(names = "--worker", hidden = true, description = "Internal: i/K, run as worker i of K and print JSON on stdout.")
    String worker;

    @Option(names = "--report", paramLabel = "DIR", description = "Write report.json, report.md and PNG charts here.")
    Path report;

    public Framing framing() {
        return "classic".equals(framing) ? Framing.CLASSIC : Framing.MODERN;
    }

    public LoadTransport transport() {
        return "ws".equals(transport) ? LoadTransport.WEBSOCKET : LoadTransport.TCP;
    }

    /** Whether the simulated clients ask for delivery receipts: modern framing without --no-receipts. */
    public boolean receipts() {
        return !noReceipts && framing() == Framing.MODERN;
    }

    /** The device id session {@code device} of every user logs in with, or null with one device per user (no id). */
    public String deviceId(int device) {
        return devices > 1 || deviceIds ? "d" + device : null;
    }

    public boolean closedLoop() {
        return rate <= 0;
    }

    /** Messages in flight per sender: the closed loop's window, or a bound on the open loop's backlog. */
    public int effectiveWindow() {
        return closedLoop() ? window : Math.max(window, DEFAULT_RATE_MODE_WINDOW);
    }

    /** How every connection of the run speaks TLS, or {@code null} for plaintext. */
    public ClientTls clientTls() {
        return clientTls;
    }

    /** Users in chat: --pairs wins over --users. */
    public int chatUsers() {
        return pairs > 0 ? pairs * 2 : users;
    }

    /** Null when the options make sense together, else what is wrong with which option. */
    String validate(String scenario) {
        if (!framing.equals("modern") && !framing.equals("classic")) {
            return "--framing must be modern or classic, not " + framing;
        }
        if (!transport.equals("tcp") && !transport.equals("ws")) {
            return "--transport must be tcp or ws, not " + transport;
        }
        if (transport() == LoadTransport.WEBSOCKET && framing() == Framing.CLASSIC) {
            return "--transport ws carries modern frames only: the classic dialect does not exist on WebSocket";
        }
        if (users < 1 || concurrency < 1 || window < 1 || processes < 1) {
            return "--users, --concurrency, --window and --processes must be at least 1";
        }
        if (devices < 1 || devices > MAX_DEVICES) {
            return "--devices must be 1-" + MAX_DEVICES + " (PROTOCOL.md 2.3: at most 10 device sessions per user), not " + devices;
        }
        if (devices > 1 && framing() == Framing.CLASSIC) {
            return "--devices above 1 needs --framing modern: devices are protocol 2.3, which the classic dialect does not speak";
        }
        if (devices > 1 && noReceipts) {
            return "--devices above 1 cannot go with --no-receipts: a device session is always a receipts session (protocol 2.3)";
        }
        if (deviceIds && (framing() == Framing.CLASSIC || noReceipts)) {
            return "--device-ids needs --framing modern and receipts: a device session is a 2.3 receipts session";
        }
        if (readState && !scenario.equals("chat")) {
            return "--read-state is for the chat scenario (READ and TYPING to the partner of a pair)";
        }
        if (readState && devices == 1 && !deviceIds) {
            return "--read-state needs device sessions (protocol 2.3 sends read, delivered and typing notices to no other): "
                    + "give --device-ids, or --devices 2 or more";
        }
        if (payload < 40) {
            return "--payload must be at least 40 characters (the number and send time travel in the text)";
        }
        if (groupSize < 2) {
            return "--group-size must be at least 2";
        }
        if (duration.isNegative() || duration.isZero()) {
            return "--duration must be positive";
        }
        if (scenario.equals("chat") && chatUsers() % 2 != 0) {
            return "chat needs an even --users (or --pairs)";
        }
        if (scenario.equals("failover") && (killPid == 0) == (killCommand == null)) {
            return "failover needs exactly one of --kill-pid and --kill-command";
        }
        if (scenario.equals("failover") && framing() == Framing.CLASSIC) {
            return "failover needs --framing modern: without ACKs a message on a dying connection cannot be called lost";
        }
        if (scenario.equals("chaos") && faults.isEmpty()) {
            return "chaos needs at least one --fault NAME=COMMAND";
        }
        for (String fault : faults) {
            if (fault.indexOf('=') < 1 || fault.indexOf('=') == fault.length() - 1) {
                return "--fault must be NAME=COMMAND, not " + fault;
            }
        }
        if (scenario.equals("chaos") && !receipts()) {
            return "chaos needs receipts (modern framing, no --no-receipts): it checks that a confirmed message never comes again";
        }
        if (scenario.equals("chaos") && (chatUsers() % 2 != 0 || processes > 1)) {
            return "chaos needs an even --users (or --pairs) and runs in one process (its faults are one schedule)";
        }
        if (faultEvery.toMillis() < 100) {
            return "--fault-every must be at least 100ms";
        }
        if (scenario.equals("login") && users < 2 * concurrency) {
            return "login needs --users of at least twice --concurrency, so no user logs in again before its logout is done";
        }
        if (crossServer && targets.size() < 2) {
            return "--cross-server needs at least two --target addresses";
        }
        if (chattingPercent + groupPercent > 100 || chattingPercent < 0 || groupPercent < 0) {
            return "--chatting-percent and --group-percent must be 0-100 together";
        }
        if (idleUsers < 0 || (idleUsers > 0 && !scenario.equals("failover"))) {
            return "--idle-users is for failover, and cannot be negative";
        }
        if (processes > 1 && scenario.equals("failover")) {
            return "failover runs in one process (the kill is one event)";
        }
        if (caFile != null && !tls) {
            return "--ca-file is for TLS connections: give --tls too";
        }
        if (tls) {
            try {
                clientTls = ClientTls.trusting(caFile);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        }
        return null;
    }
}
