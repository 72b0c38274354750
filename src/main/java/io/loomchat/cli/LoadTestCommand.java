package io.loomchat.cli;

import io.loomchat.loadtest.LoadTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomchat loadtest}: registers, logs in and chats with many simulated users. */
@Command(name = "loadtest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measures logins/s and one-to-one messages/s against a server or an nginx address.")
final class LoadTestCommand implements Callable<Integer> {

    @Mixin
    ServerAddress server;

    @Option(names = "--users", defaultValue = "1000", description = "Simulated users, an even number (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--concurrency", defaultValue = "64",
            description = "Registrations and logins in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--window", defaultValue = "8",
            description = "Unacknowledged chat messages per sender (default ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--duration", defaultValue = "20s", converter = DurationConverter.class,
            description = "Length of the chat phase (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--hold", defaultValue = "0s", converter = DurationConverter.class,
            description = "Keep the logged-in users idle this long before chatting, to measure idle cost (default ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(names = "--payload", defaultValue = "64", description = "Characters per chat text (default ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--sources", defaultValue = "",
            description = "Local addresses to connect from, e.g. 127.0.0.2-127.0.0.9, to go past one address's ports.")
    String sources;

    @Option(names = "--prefix", description = "Name prefix of the registered users (default: lt-<time>).")
    String prefix;

    @Override
    public Integer call() throws Exception {
        LoadTest.Settings settings;
        try {
            settings = new LoadTest.Settings(new InetSocketAddress(server.host, server.port), parseSources(sources), users, concurrency,
                    window, hold, duration, payload, prefix != null ? prefix : "lt-" + System.currentTimeMillis(), "load-pw");
        } catch (IllegalArgumentException | UnknownHostException e) {
            System.err.println("loomchat loadtest: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        System.out.printf("loadtest against %s:%d, %d users, %d CPUs here%n", server.host, server.port, users,
                Runtime.getRuntime().availableProcessors());
        LoadTest.Result result = new LoadTest(settings, System.out).run();
        return result.errors() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** "127.0.0.2-127.0.0.9,127.0.1.1" into the addresses it names (a range varies the last byte). */
    static List<InetAddress> parseSources(String spec) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : spec.split(",")) {
            String item = part.strip();
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-');
            if (dash < 0) {
                addresses.add(InetAddress.getByName(item));
                continue;
            }
            byte[] from = InetAddress.getByName(item.substring(0, dash)).getAddress();
            byte[] to = InetAddress.getByName(item.substring(dash + 1)).getAddress();
            for (int last = Byte.toUnsignedInt(from[3]); last <= Byte.toUnsignedInt(to[3]); last++) {
                byte[] address = from.clone();
                address[3] = (byte) last;
                addresses.add(InetAddress.getByAddress(address));
            }
        }
        return addresses;
    }
}
