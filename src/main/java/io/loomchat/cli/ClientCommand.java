package io.loomchat.cli;

import io.loomchat.client.ClientOptions;
import io.loomchat.client.ConsoleClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomchat client}: the console client a person chats with. */
@Command(name = "client", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Chats in a terminal against one server or the nginx address of a cluster.",
            "With stdin not a terminal (or --script) it reads one command per line and prints one event per line.",
            "The password comes from LOOMCHAT_PASSWORD, or is asked for without echo."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:quit or end of input", "1:script mode: the login or registration asked for failed",
                "2:bad options", "3:--tls: the server's certificate was refused, or it does not speak TLS"})
final class ClientCommand implements Callable<Integer> {

    @Mixin
    ServerAddress server;

    @Mixin
    ClientTlsOptions tls;

    @Option(names = {"-u", "--user"}, paramLabel = "<id>", description = "Log in as this user id at start.")
    Integer user;

    @Option(names = "--register", paramLabel = "<name>",
            description = "Create an account with this name at start, then log in to it.")
    String register;

    @Option(names = "--device", paramLabel = "<id>",
            description = "Log in as this device (protocol 2.3; 1 to 64 of A-Z a-z 0-9 . _ -) instead of the id kept "
                    + "in $XDG_CONFIG_HOME/loomchat/device (~/.config/loomchat/device), which the first run makes up.")
    String device;

    @Option(names = "--no-device",
            description = "Log in without a device id, as a 2.2 client: the only session of the user, refused while "
                    + "any other lives (and the other devices refused while it lives).")
    boolean noDevice;

    @Option(names = "--script", description = "Read commands line by line even when stdin is a terminal.")
    boolean script;

    @Option(names = "--notices",
            description = "Also in script mode, show when someone read your messages or is typing (protocol 2.3); "
                    + "a terminal always shows them.")
    boolean notices;

    @Option(names = "--heartbeat", defaultValue = "30s", converter = DurationConverter.class,
            description = "Send a PING after this long without sending (default ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(names = "--reconnect-delay", defaultValue = "500ms", converter = DurationConverter.class,
            description = "First wait before reconnecting; it doubles up to --reconnect-max-delay "
                    + "(default ${DEFAULT-VALUE}).")
    Duration reconnectDelay;

    @Option(names = "--reconnect-max-delay", defaultValue = "30s", converter = DurationConverter.class,
            description = "Longest wait between reconnection attempts (default ${DEFAULT-VALUE}).")
    Duration reconnectMaxDelay;

    @Override
    public Integer call() throws InterruptedException {
        ClientOptions options;
        try {
            if (noDevice && device != null) {
                throw new IllegalArgumentException("give either --device or --no-device, not both");
            }
            Path deviceFile = noDevice || device != null ? null : ClientOptions.defaultDeviceFile();
            String password = System.getenv("LOOMCHAT_PASSWORD");
            options = new ClientOptions(server.host, server.port, user, register, password == null || password.isEmpty() ? null : password,
                    script, heartbeat, reconnectDelay, reconnectMaxDelay, ClientOptions.DEFAULT_CONNECT_TIMEOUT,
                    ClientOptions.DEFAULT_REPLY_TIMEOUT, tls.load(), device, deviceFile, notices);
        } catch (IllegalArgumentException e) {
            System.err.println("loomchat client: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return ConsoleClient.run(options);
    }
}
