package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.client.Console.Line;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Words for everything the client shows: what the server sent, and answers to commands. One
 * line per event, readable by a person and by {@code grep}; the same text in a terminal and in
 * a script, so that what the tests check is what people see.
 */
final class EventRenderer {

    private static final DateTimeFormatter TODAY = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter OTHER_DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Roster roster;
    private final Clock clock;

    EventRenderer(Roster roster, Clock clock) {
        this.roster = roster;
        this.clock = clock;
    }

    // ---- after login ------------------------------------------------------------------------

    /**
     * Who you are, your friends, your groups and what came while you were away.
     *
     * @param unseen the ack's offline messages that were not shown before (repeats dropped)
     * @param device the device id the login named, or {@code null}
     */
    List<Line> loginSummary(JsonNode loginAck, List<JsonNode> unseen, String device) {
        Roster.Person me = roster.me();
        List<Line> lines = new ArrayList<>();
        lines.add(Line.info("Logged in as " + me.name() + " (id " + me.id() + ")."));
        if (loginAck.hasNonNull("device")) {
            lines.add(Line.info("This is device " + loginAck.path("device").asText()
                    + "; what you send from your other devices shows here too."));
        } else if (device != null) {
            lines.add(Line.info("The server predates devices (protocol 2.3): this is your only session."));
        }
        lines.add(friendsLine());
        lines.addAll(groupLines(false));
        lines.addAll(offlineLines(loginAck, unseen, true));
        return lines;
    }

    /** After a reconnect: only what is new, the roster was shown before. */
    List<Line> reloginSummary(String address, JsonNode loginAck, List<JsonNode> unseen) {
        Roster.Person me = roster.me();
        List<Line> lines = new ArrayList<>();
        lines.add(Line.notice("Reconnected to " + address + "; logged in again as " + me.name()
                + " (id " + me.id() + ")."));
        lines.addAll(offlineLines(loginAck, unseen, false));
        return lines;
    }

    private List<Line> offlineLines(JsonNode loginAck, List<JsonNode> unseen, boolean sayNone) {
        // Repeats among the pages after the ack are found only as they come, so they count here;
        // they are rare, as the server delivers the unconfirmed (the oldest) first.
        int total = unseen.size() + loginAck.path("pending").asInt(0);
        List<Line> lines = new ArrayList<>();
        if (total == 0) {
            if (sayNone) {
                lines.add(Line.info("No messages arrived while you were away."));
            }
            return lines;
        }
        lines.add(Line.info(total == 1 ? "1 message arrived while you were away:"
                : total + " messages arrived while you were away:"));
        unseen.forEach(message -> lines.add(message(message)));
        // Protocol 2.1: the rest follow the ack as ordinary chat frames, shown as they come.
        return lines;
    }

    Line friendsLine() {
        List<Roster.Person> friends = roster.friends();
        if (friends.isEmpty()) {
            return Line.info("Friends: none yet (addfriend <id> adds one).");
        }
        return Line.info("Friends: " + friends.stream()
                .map(f -> f.name() + " (" + f.id() + ", " + state(f.online()) + ")")
                .collect(Collectors.joining(", ")));
    }

    List<Line> groupLines(boolean withHint) {
        List<Roster.Group> groups = roster.groups();
        if (groups.isEmpty()) {
            return List.of(Line.info("Groups: none yet (creategroup <name> [desc] or addgroup <gid>)."));
        }
        List<Line> lines = new ArrayList<>();
        groups.forEach(group -> lines.add(Line.info(group(group))));
        if (withHint) {
            lines.add(Line.info("groupchat <gid> <text> sends to a group."));
        }
        return lines;
    }

    private static String group(Roster.Group group) {
        String description = group.description().isBlank() ? "" : " \"" + group.description() + "\"";
        return "Group " + group.name() + " (" + group.id() + ")" + description + ": " + group.members().stream()
                .map(m -> m.name() + " (" + m.id() + ", " + ("creator".equals(m.role()) ? "creator, " : "")
                        + state(m.online()) + ")")
                .collect(Collectors.joining(", "));
    }

    // ---- what others send -------------------------------------------------------------------

    /**
     * {@code [19:14] bob (2): hi} or {@code [19:14] bob (2) in team (7): hi all}; a message the
     * user sent from another device (a 2.3 carbon: the sender is the user) is
     * {@code [19:14] you (on another device) to bob (2): hi}.
     */
    Line message(JsonNode frame) {
        return new Line(Console.Tone.MESSAGE, chatText(frame, "you (on another device)"));
    }

    /** One line of a chat frame, in which the user's own messages are from {@code self}. */
    private String chatText(JsonNode frame, String self) {
        boolean group = frame.path("msgid").asInt() == MessageType.GROUP_CHAT.code();
        int senderId = frame.path("id").asInt();
        Roster.Person me = roster.me();
        boolean mine = me != null && senderId == me.id();
        String sender = mine ? self : frame.path("name").asText("?") + " (" + senderId + ")";
        String where = group ? " in " + roster.groupLabel(frame.path("groupid").asInt())
                : mine ? " to " + roster.userLabel(frame.path("toid").asInt()) : "";
        return "[" + when(frame) + "] " + sender + where + ": " + frame.path("msg").asText("");
    }

    /**
     * A page of 2.3 HISTORY, oldest first, one line per message, each as it would have come live
     * ({@code [19:14] bob (2): hi}, own ones {@code [19:14] you to bob (2): hi}), then how to see
     * older ones.
     */
    List<Line> history(Command.History asked, JsonNode ack) {
        String conversation = asked.group() ? "in " + roster.groupLabel(asked.id())
                : "with " + roster.userLabel(asked.id());
        JsonNode messages = ack.path("messages");
        List<Line> lines = new ArrayList<>();
        if (messages.isEmpty()) {
            lines.add(Line.info("No " + (asked.before() == null ? "" : "older ") + "messages " + conversation + "."));
            return lines;
        }
        int count = messages.size();
        lines.add(Line.info((asked.before() == null ? "The last " : "Before " + asked.before() + ", the last ")
                + (count == 1 ? "message " + conversation + ":" : count + " messages " + conversation + ", oldest first:")));
        messages.forEach(message -> lines.add(Line.info(chatText(message, "you"))));
        lines.add(Line.info(ack.path("more").asBoolean(false)
                ? "(older messages exist: " + asked.olderPage(messages.get(0).path("mid").asLong()) + ")"
                : "(no older messages)"));
        return lines;
    }

    /**
     * 2.3 CONVERSATIONS, one line each, the most recent first:
     * {@code bob (2): 2 unread, last [19:14] bob (2): how are you?}; one's own last message says
     * whether the other user has read it.
     */
    List<Line> conversations(JsonNode ack) {
        JsonNode list = ack.path("conversations");
        if (list.isEmpty()) {
            return List.of(Line.info("No conversations yet."));
        }
        List<Line> lines = new ArrayList<>();
        for (JsonNode conversation : list) {
            boolean group = conversation.has("groupid");
            String title = group
                    ? conversation.path("groupname").asText("?") + " (" + conversation.path("groupid").asInt() + ")"
                    : conversation.path("name").asText("?") + " (" + conversation.path("with").asInt() + ")";
            int unread = conversation.path("unread").asInt();
            JsonNode last = conversation.path("last");
            Roster.Person me = roster.me();
            boolean mine = me != null && last.path("id").asInt() == me.id();
            String seen = !group && mine && conversation.path("read_by_them").asLong() >= last.path("mid").asLong()
                    ? " (read)" : "";
            lines.add(Line.info(title + ": " + (unread == 0 ? "nothing unread" : unreadCount(unread) + " unread")
                    + ", last " + chatText(last, "you") + seen));
        }
        lines.add(Line.info("history <id> or ghistory <gid> shows one and marks it read."));
        return lines;
    }

    /** The server counts up to 100 unread messages (docs/protocol.md); more reads "99+". */
    private static String unreadCount(int unread) {
        return unread >= 100 ? "99+" : String.valueOf(unread);
    }

    /** 2.3 FIND_USERS: {@code Found: bob (2, online), bobby (7, offline).} */
    Line found(String prefix, JsonNode ack) {
        JsonNode users = ack.path("users");
        if (users.isEmpty()) {
            return Line.info("Nobody's name starts with " + prefix + ".");
        }
        List<String> people = new ArrayList<>();
        users.forEach(user -> people.add(user.path("name").asText("?") + " (" + user.path("id").asInt() + ", "
                + user.path("state").asText("offline") + ")"));
        return Line.info("Found: " + String.join(", ", people) + ". addfriend <id> adds one.");
    }

    /** 2.3 READ_NOTICE from the other user: {@code bob (2) read your messages.} */
    Line readBy(int readerId) {
        return new Line(Console.Tone.PRESENCE, roster.userLabel(readerId) + " read your messages.");
    }

    /** 2.3 TYPING: {@code bob (2) is typing...} or {@code bob (2) is typing in team (7)...}. */
    Line typing(JsonNode frame) {
        String who = frame.path("name").asText("?") + " (" + frame.path("id").asInt() + ")";
        return new Line(Console.Tone.PRESENCE, frame.has("groupid")
                ? who + " is typing in " + roster.groupLabel(frame.path("groupid").asInt()) + "..."
                : who + " is typing...");
    }

    /** {@code bob (2) added you as a friend; they are online.} (2.2 FRIEND_ADDED) */
    Line addedYou(Roster.Person friend) {
        return new Line(Console.Tone.PRESENCE, friend.name() + " (" + friend.id() + ") added you as a friend; they are "
                + state(friend.online()) + ".");
    }

    /** {@code You (on another device) added bob (2) as a friend; they are online.} (2.3 FRIEND_ADDED by us) */
    Line addedOnAnotherDevice(Roster.Person friend) {
        return new Line(Console.Tone.PRESENCE, "You (on another device) added " + friend.name() + " (" + friend.id()
                + ") as a friend; they are " + state(friend.online()) + ".");
    }

    /**
     * {@code You (on another device) joined team (7).}, or {@code created} when our role in it is
     * the creator's (2.3 GROUP_JOINED about us).
     */
    Line joinedOnAnotherDevice(Roster.Group group, String role) {
        String did = "creator".equals(role) ? "created" : "joined";
        return new Line(Console.Tone.PRESENCE, "You (on another device) " + did + " " + group.name() + " ("
                + group.id() + ").");
    }

    /** {@code carol (3) joined team (7).} */
    Line memberJoined(Roster.Member member, int groupId) {
        return new Line(Console.Tone.PRESENCE, member.name() + " (" + member.id() + ") joined "
                + roster.groupLabel(groupId) + ".");
    }

    Line presence(int userId, String name, boolean online) {
        return new Line(Console.Tone.PRESENCE, name + " (" + userId + ") is now " + state(online) + ".");
    }

    /** Today's messages show the time only; older ones (offline messages) the date too. */
    private String when(JsonNode frame) {
        JsonNode ts = frame.get("ts");
        if (ts == null || !ts.canConvertToLong()) {
            return frame.path("time").asText("?");
        }
        LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(ts.asLong()), clock.getZone());
        boolean today = at.toLocalDate().equals(LocalDateTime.now(clock).toLocalDate());
        return (today ? TODAY : OTHER_DAY).format(at);
    }

    // ---- answers to commands ----------------------------------------------------------------

    Line chatSent(int toId, JsonNode ack) {
        String to = roster.userLabel(toId);
        return "offline".equals(ack.path("stored").asText())
                ? Line.info("Sent to " + to + ", who is offline and gets it at the next login.")
                : Line.info("Sent to " + to + ".");
    }

    Line groupChatSent(int groupId, JsonNode ack) {
        return Line.info("Sent to " + roster.groupLabel(groupId) + ": " + ack.path("online").asInt()
                + " online, " + ack.path("offline").asInt() + " offline.");
    }

    Line friendAdded(Roster.Person friend) {
        return Line.info(friend.name() + " (" + friend.id() + ") is now your friend; they are "
                + state(friend.online()) + ".");
    }

    Line groupCreated(String name, int groupId) {
        return Line.info("Created group " + name + " (" + groupId + "); others join with addgroup " + groupId + ".");
    }

    Line groupJoined(Roster.Group group) {
        return Line.info("Joined g" + group(group).substring(1) + ".");
    }

    List<Line> help() {
        List<Line> lines = new ArrayList<>();
        lines.add(Line.info("Commands:"));
        int width = Command.USAGES.stream().mapToInt(u -> u.synopsis().length()).max().orElse(0);
        Command.USAGES.forEach(usage -> lines.add(Line.info("  " + usage.synopsis()
                + " ".repeat(width - usage.synopsis().length() + 2) + usage.meaning())));
        return lines;
    }

    // ---- errors -----------------------------------------------------------------------------

    /** "Could not add friend 99: no user with id 99." from a refusal. */
    static Line failure(String action, JsonNode reply) {
        return Line.error("Could not " + action + ": " + reason(reply) + ".");
    }

    /**
     * The server's own errmsg when it says more than the errno table, a sentence of ours
     * otherwise. The classic texts of errno 1 and 2 are replaced: they end in '!' and read
     * oddly outside the C++ client's menu. A device's refusal (2.3) is shown as the server says it.
     */
    static String reason(JsonNode reply) {
        int errno = reply.path("errno").asInt(-1);
        String errmsg = reply.path("errmsg").asText("").strip();
        // A 2.3 server says why a device may not log in (errno 2); the classic text says nothing.
        boolean generic = errmsg.isEmpty() || errno == Errno.INVALID_CREDENTIALS.code() && errmsg.endsWith("!")
                || errno == Errno.ALREADY_ONLINE.code() && errmsg.endsWith("!")
                || Arrays.stream(Errno.values()).anyMatch(e -> e.code() == errno && e.text().equals(errmsg));
        String reason = generic ? sentence(errno) : errmsg;
        return reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason;
    }

    private static String sentence(int errno) {
        return switch (errno) {
            case 1 -> "the id or password is wrong";
            case 2 -> "this account is logged in somewhere else; log out there first";
            case 3 -> "you are not logged in; use login <id> or register <name>";
            case 4 -> "the server did not understand the request";
            case 5 -> "there is no such user or group";
            case 6 -> "you are not allowed to do that";
            case 7 -> "that is done already";
            case 8 -> "you are sending too fast; wait a moment and try again";
            case 9 -> "the message is too large";
            case 10 -> "the server is busy or cannot reach its database; try again shortly";
            default -> "the server refused it (errno " + errno + ")";
        };
    }

    private static String state(boolean online) {
        return online ? "online" : "offline";
    }
}
