package io.loomchat.client;

import io.loomchat.client.Console.Line;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The console client: wires the parts together and runs the user's loop on the calling
 * thread. Threads: the caller reads commands; "loomchat-client-connection" reads frames and
 * reconnects; "loomchat-client-timer" sends heartbeats, delivery receipts and login retries.
 */
public final class ConsoleClient {

    /** Exit codes, as the command line documents them. */
    public static final int EXIT_OK = 0;
    /** Script mode: the login or registration asked for on the command line failed. */
    public static final int EXIT_LOGIN_FAILED = 1;
    /** TLS: the server's certificate was refused, or the server does not speak TLS. */
    public static final int EXIT_NOT_TRUSTED = 3;

    private ConsoleClient() {
    }

    /** Runs until {@code quit}, the end of input or Ctrl-D, and returns the process exit code. */
    public static int run(ClientOptions options) throws InterruptedException {
        boolean script = options.script() || !stdinIsTerminal();
        Roster roster = new Roster();
        try (Console console = script ? ScriptConsole.system() : TerminalConsole.open(roster)) {
            return run(options, console, roster);
        }
    }

    private static int run(ClientOptions options, Console console, Roster roster) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("loomchat-client-timer").daemon(true).factory());
        PendingRequests pending = new PendingRequests();
        EventRenderer renderer = new EventRenderer(roster, Clock.systemDefaultZone());
        Connector connector = new Connector(options);
        DeliveryReceipts receipts = new DeliveryReceipts(new SeenMessages(SeenMessages.DEFAULT_CAPACITY), timer);
        CommandRunner runner = new CommandRunner(options, connector, pending, roster, renderer, console, timer,
                receipts, device(options, console));
        try (Heartbeat heartbeat = new Heartbeat(connector, options.heartbeatInterval(), timer); receipts) {
            // Notices would interleave with what a script reads back, so a script asks for them.
            connector.start(new FrameHandler(pending, roster, renderer, console, runner, receipts,
                    console.interactive() || options.notices()));
            // A refused certificate ends the client before anything is typed or sent (the
            // handler has said why); an unreachable server does not, it may come back.
            if (connector.awaitFirstAttempt() != null) {
                return EXIT_NOT_TRUSTED;
            }
            if (!console.interactive() || options.userId() != null || options.registerName() != null) {
                // What comes first needs a connection: wait for it (retries are shown meanwhile).
                connector.awaitConnected();
            }
            Command first = options.userId() != null ? new Command.Login(options.userId(), options.password())
                    : options.registerName() != null ? new Command.Register(options.registerName(), options.password())
                    : null;
            if (first != null) {
                runner.run(first);
                awaitReply(options, console, pending);
                if (!console.interactive() && !runner.loggedIn()) {
                    return connector.refusal() != null ? EXIT_NOT_TRUSTED : EXIT_LOGIN_FAILED;
                }
            } else if (console.interactive()) {
                console.show(Line.info("Log in with login <id>, or create an account with register <name>. "
                        + "help lists every command."));
            }
            loop(options, console, runner, pending);
            // Also when the refusal came later (a plaintext client meeting a TLS server).
            return connector.refusal() != null ? EXIT_NOT_TRUSTED : EXIT_OK;
        } finally {
            // Confirms what was shown while the connection still stands (quit, end of input).
            receipts.end();
            connector.close();
            timer.shutdownNow();
        }
    }

    /** The device id to log in with: {@code --device}, else the installation's, else none ({@code --no-device}). */
    private static String device(ClientOptions options, Console console) {
        if (options.device() != null || options.deviceFile() == null) {
            return options.device();
        }
        return DeviceFile.at(options.deviceFile(), warning -> console.show(Line.notice(warning))).id();
    }

    private static void loop(ClientOptions options, Console console, CommandRunner runner, PendingRequests pending)
            throws InterruptedException {
        String line;
        while ((line = console.readLine()) != null) {
            if (!runner.run(CommandParser.parse(line))) {
                break;
            }
            if (!console.interactive()) {
                // A script's next command may depend on this one, and its output must come in order.
                awaitReply(options, console, pending);
            }
        }
        // Replies still on their way (a script that ends with "chat ...") are worth the wait.
        awaitReply(options, console, pending);
    }

    private static void awaitReply(ClientOptions options, Console console, PendingRequests pending)
            throws InterruptedException {
        if (!pending.awaitIdle(options.replyTimeout())) {
            console.show(Line.error("No answer from the server within " + options.replyTimeout().toSeconds()
                    + " s; going on."));
        }
    }

    /**
     * Whether a person is at the keyboard. Up to JDK 21 {@code System.console()} is null unless
     * stdin and stdout are a terminal; from JDK 22 it may exist anyway, and
     * {@code Console.isTerminal()} (not in the JDK 21 API we compile against) tells.
     */
    static boolean stdinIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the JDK whether stdin is a terminal", e);
        }
    }
}
