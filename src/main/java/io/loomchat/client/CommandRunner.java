package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.client.Console.Line;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Carries out commands: builds the request, sends it with a {@code seq}, and says in words what
 * the reply means. Also logs in again by itself after a reconnect. Commands run on the user's
 * thread; reply handlers and {@link #connected} on the connection thread.
 */
final class CommandRunner {

    /**
     * PROTOCOL.md: a session whose server died stops counting as live within 30 s. Until then a
     * new login is refused with errno 2, so after a reconnect we ask again at this pace.
     */
    private static final Duration ALREADY_ONLINE_RETRY = Duration.ofSeconds(5);

    /**
     * Who to log in as after a reconnect: the resume token of the last login when the server gave
     * one (protocol 2.1: no password hash for the server to pay), the password otherwise or when
     * the token is refused. Kept in memory only.
     */
    private record Credentials(int userId, String name, String password, String token) {
        Credentials withToken(String newToken) {
            return new Credentials(userId, name, password, newToken);
        }

        /** Once logged in the server has said the id: later logins (and tokens) use it. */
        Credentials withId(int id) {
            return new Credentials(id, null, password, token);
        }

        /** "user 7", or before the first login by name (protocol 2.3) the name. */
        String who() {
            return userId != 0 ? "user " + userId : name;
        }

        @Override
        public String toString() {
            return "Credentials[" + who() + "]";
        }
    }

    private final ClientOptions options;
    private final Connector connector;
    private final PendingRequests pending;
    private final Roster roster;
    private final EventRenderer renderer;
    private final Console console;
    private final ScheduledExecutorService timer;
    private final DeliveryReceipts receipts;
    /** Protocol 2.3: the device id every login names, {@code null} to log in as a 2.2 client. */
    private final String device;
    /** Set by a successful login ack, cleared by logout; written on the connection thread. */
    private volatile Credentials credentials;

    CommandRunner(ClientOptions options, Connector connector, PendingRequests pending, Roster roster,
                  EventRenderer renderer, Console console, ScheduledExecutorService timer,
                  DeliveryReceipts receipts, String device) {
        this.options = options;
        this.connector = connector;
        this.pending = pending;
        this.roster = roster;
        this.renderer = renderer;
        this.console = console;
        this.timer = timer;
        this.receipts = receipts;
        this.device = device;
    }

    /** Carries out one command; false when it was {@code quit}. */
    boolean run(Command command) {
        switch (command) {
            case Command.Nothing nothing -> { }
            case Command.Invalid invalid -> console.show(Line.error(invalid.problem()));
            case Command.Help help -> console.show(renderer.help());
            case Command.Friends friends -> console.show(renderer.friendsLine());
            case Command.Groups groups -> console.show(renderer.groupLines(true));
            case Command.Quit quit -> {
                return false;
            }
            case Command.Login login -> login(login);
            case Command.Register register -> register(register);
            default -> runLoggedIn(command);
        }
        return true;
    }

    boolean loggedIn() {
        return roster.me() != null;
    }

    /** Commands that need a user: refused here already when nobody is logged in. */
    private void runLoggedIn(Command command) {
        if (!loggedIn()) {
            console.show(Line.error("Log in first: login <id>, or register <name> to create an account."));
            return;
        }
        switch (command) {
            case Command.Chat chat -> request(frame(MessageType.ONE_CHAT).put("toid", chat.toId()).put("msg", chat.text()),
                    "send to " + roster.userLabel(chat.toId()),
                    ack -> console.show(renderer.chatSent(chat.toId(), ack)));
            case Command.GroupChat chat -> request(
                    frame(MessageType.GROUP_CHAT).put("groupid", chat.groupId()).put("msg", chat.text()),
                    "send to " + roster.groupLabel(chat.groupId()),
                    ack -> console.show(renderer.groupChatSent(chat.groupId(), ack)));
            case Command.History history -> history(history);
            case Command.Find find -> request(frame(MessageType.FIND_USERS).put("name", find.prefix()),
                    "find people named " + find.prefix() + "...", ack -> console.show(renderer.found(find.prefix(), ack)),
                    refusal -> console.show(EventRenderer.failure("find people", refusal)));
            case Command.Unread unread -> request(frame(MessageType.CONVERSATIONS), "list your conversations",
                    ack -> console.show(renderer.conversations(ack)));
            case Command.AddFriend add -> request(frame(MessageType.ADD_FRIEND).put("friendid", add.userId()),
                    "add friend " + add.userId(), ack -> {
                        Roster.Person friend = Roster.Person.of(ack.path("friend"));
                        roster.addFriend(friend);
                        console.show(renderer.friendAdded(friend));
                    });
            case Command.CreateGroup create -> request(frame(MessageType.CREATE_GROUP)
                            .put("groupname", create.name()).put("groupdesc", create.description()),
                    "create group " + create.name(), ack -> {
                        int groupId = ack.path("groupid").asInt();
                        Roster.Person me = roster.me();
                        roster.addGroup(new Roster.Group(groupId, create.name(), create.description(),
                                List.of(new Roster.Member(me.id(), me.name(), true, "creator"))));
                        console.show(renderer.groupCreated(create.name(), groupId));
                    });
            case Command.AddGroup join -> request(frame(MessageType.ADD_GROUP).put("groupid", join.groupId()),
                    "join group " + join.groupId(), ack -> {
                        Roster.Group group = Roster.Group.of(ack.path("group"));
                        roster.addGroup(group);
                        console.show(renderer.groupJoined(group));
                    });
            case Command.Logout logout -> {
                // PROTOCOL.md 2.2: confirm what was shown before LOGINOUT ends the session.
                receipts.end();
                request(frame(MessageType.LOGOUT), "log out", ack -> {
                    receipts.stopped();
                    credentials = null;
                    roster.clear();
                    console.user(null);
                    console.show(Line.info("Logged out. login <id> or register <name> to go on, quit to leave."));
                }, refusal -> {
                    receipts.resumed();
                    console.show(EventRenderer.failure("log out", refusal));
                });
            }
            default -> throw new IllegalStateException("no way to run " + command);
        }
    }

    /** Protocol 2.3 HISTORY: a page of a conversation, kept on the server, whichever device took part. */
    private void history(Command.History history) {
        if (!history.group() && history.id() == roster.me().id()) {
            console.show(Line.error("history <id> shows your conversation with another user; " + history.id()
                    + " is you."));
            return;
        }
        ObjectNode frame = frame(MessageType.HISTORY).put(history.group() ? "groupid" : "with", history.id())
                .put("limit", history.limit());
        if (history.before() != null) {
            frame.put("before", history.before().longValue());
        }
        String action = "show the history " + (history.group() ? "of " + roster.groupLabel(history.id())
                : "with " + roster.userLabel(history.id()));
        request(frame, action, ack -> {
            console.show(renderer.history(history, ack));
            markRead(history, ack.path("messages"));
        }, refusal -> {
            boolean unknownType = refusal.path("errno").asInt() == Errno.BAD_REQUEST.code()
                    && refusal.path("errmsg").asText("").startsWith("unknown msgid");
            console.show(unknownType
                    ? Line.error("Could not " + action + ": the server keeps no history (it predates protocol 2.3).")
                    : EventRenderer.failure(action, refusal));
        });
    }

    /**
     * Protocol 2.3: what the user has just been shown is read. READ has no reply when it is good,
     * so it goes without a seq; a refusal is shown as any unasked-for one is.
     */
    private void markRead(Command.History history, JsonNode messages) {
        long upto = 0;
        for (JsonNode message : messages) {
            upto = Math.max(upto, message.path("mid").asLong());
        }
        if (upto == 0) {
            return;
        }
        try {
            connector.send(frame(MessageType.READ).put(history.group() ? "groupid" : "with", history.id())
                    .put("upto", upto));
        } catch (IOException e) {
            // The unread count stays as it was; the next history marks it read.
            console.show(Line.notice("Could not mark the conversation read: " + e.getMessage() + "."));
        }
    }

    private void login(Command.Login login) {
        Roster.Person me = roster.me();
        if (me != null) {
            console.show(Line.error("You are logged in as " + me.name() + " (" + me.id() + ") already; "
                    + "loginout first."));
            return;
        }
        String password = login.password() != null ? login.password()
                : password("Password for " + login.who() + ": ", false);
        if (password != null) {
            sendLogin(new Credentials(login.userId(), login.name(), password, null), false);
        }
    }

    private void register(Command.Register register) {
        if (loggedIn()) {
            console.show(Line.error("Log out first (loginout), then register."));
            return;
        }
        String password = register.password() != null ? register.password()
                : password("Password for " + register.name() + ": ", true);
        if (password == null) {
            return;
        }
        request(frame(MessageType.REGISTER).put("name", register.name()).put("password", password),
                "register " + register.name(), ack -> {
                    int userId = ack.path("id").asInt();
                    console.show(Line.info("Registered " + register.name() + " as user " + userId + "."));
                    sendLogin(new Credentials(userId, null, password, null), false);
                });
    }

    /** Called on the connection thread for every new connection. */
    void connected(String address, boolean again) {
        Credentials known = credentials;
        if (!again) {
            console.show(Line.notice("Connected to " + address + "."));
        } else if (known == null) {
            console.show(Line.notice("Reconnected to " + address + "."));
        } else {
            sendLogin(known, true);
        }
    }

    private void sendLogin(Credentials attempt, boolean again) {
        // Protocol 2.2; a server that predates it ignores the field and does not echo it.
        ObjectNode login = frame(MessageType.LOGIN).put("receipts", true);
        if (attempt.userId() != 0) {
            login.put("id", attempt.userId());
        } else {
            login.put("name", attempt.name()); // protocol 2.3; an older server says the id is missing
        }
        if (device != null) {
            // Protocol 2.3; an older server ignores it, and the ack then names no device.
            login.put("device", device);
        }
        if (attempt.token() != null) {
            login.put("token", attempt.token());
        } else {
            login.put("password", attempt.password());
        }
        request(login, again ? "log in again as " + attempt.who() : "log in as " + attempt.who(),
                ack -> loggedIn(ack, attempt, again),
                refusal -> loginRefused(refusal, attempt, again));
    }

    private void loggedIn(JsonNode ack, Credentials attempt, boolean again) {
        String token = ack.path("token").asText(null);
        Credentials known = attempt.withId(ack.path("id").asInt());
        credentials = token != null ? known.withToken(token) : known;
        roster.reset(ack);
        console.user(roster.me().name());
        if (ack.path("receipts").booleanValue()) {
            // Reply handlers run on the connection thread, so the current link is the one that logged in.
            receipts.started(connector.current());
        } else {
            receipts.stopped();
        }
        List<JsonNode> offline = new ArrayList<>();
        ack.path("offlinemsg").forEach(offline::add);
        receipts.handle(offline, unseen -> console.show(again
                ? renderer.reloginSummary(options.address(), ack, unseen)
                : renderer.loginSummary(ack, unseen, device)));
    }

    private void loginRefused(JsonNode refusal, Credentials attempt, boolean again) {
        if (attempt.token() != null && refusal.path("errno").asInt() == Errno.INVALID_CREDENTIALS.code()) {
            sendLogin(attempt.withToken(null), again); // expired or revoked: the password still works
            return;
        }
        if (again && refusal.path("errno").asInt() == Errno.ALREADY_ONLINE.code()) {
            console.show(Line.notice("The server still counts your previous session as live; trying again in "
                    + ALREADY_ONLINE_RETRY.toSeconds() + " s."));
            timer.schedule(() -> retryLogin(attempt), ALREADY_ONLINE_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (again) {
            credentials = null;
            roster.clear();
            console.user(null);
        }
        console.show(EventRenderer.failure((again ? "log in again as " : "log in as ") + attempt.who(), refusal));
        if (device != null && refusal.path("errno").asInt() == Errno.ALREADY_ONLINE.code()
                && refusal.path("errmsg").asText("").contains("this device")) {
            // Two clients of one installation share the device file, and so the device id.
            console.show(Line.info("Another client of this installation is logged in as that user as device " + device
                    + "; start this one with --device <id> to make it a device of its own."));
        }
    }

    /** On the timer thread: unless the user logged out or the connection broke meanwhile. */
    private void retryLogin(Credentials attempt) {
        if (credentials == attempt && connector.current() != null) {
            sendLogin(attempt, true);
        }
    }

    /** A password from the prompt, or from LOOMCHAT_PASSWORD for scripts; null (and says why) when none. */
    private String password(String prompt, boolean confirm) {
        if (!console.interactive()) {
            if (options.password() == null) {
                console.show(Line.error("No password: put it after the id or name, or set LOOMCHAT_PASSWORD."));
            }
            return options.password();
        }
        String password = console.readPassword(prompt);
        if (password == null || password.isEmpty()) {
            console.show(Line.error("No password given; nothing done."));
            return null;
        }
        if (confirm && !password.equals(console.readPassword("Once more, to be sure: "))) {
            console.show(Line.error("The two passwords differ; nothing done."));
            return null;
        }
        return password;
    }

    private void request(ObjectNode frame, String action, Consumer<JsonNode> onSuccess) {
        request(frame, action, onSuccess, refusal -> console.show(EventRenderer.failure(action, refusal)));
    }

    private void request(ObjectNode frame, String action, Consumer<JsonNode> onSuccess, Consumer<JsonNode> onRefusal) {
        int seq = pending.open(action, reply -> {
            if (reply.path("errno").asInt(-1) == 0) {
                onSuccess.accept(reply);
            } else {
                onRefusal.accept(reply);
            }
        });
        frame.put("seq", seq);
        try {
            connector.send(frame);
        } catch (IOException e) {
            pending.cancel(seq);
            console.show(Line.error("Could not " + action + ": " + e.getMessage()
                    + (e instanceof Connector.NotConnectedException ? "; reconnecting in the background." : ".")));
        }
    }

    private static ObjectNode frame(MessageType type) {
        return Json.object().put("msgid", type.code());
    }
}
