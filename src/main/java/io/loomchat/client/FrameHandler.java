package io.loomchat.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.client.Console.Line;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.tls.ServerNotTrustedException;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What arrives from the server, on the connection thread: replies go to the request waiting
 * for them, chats and presence changes to the screen. One table from message type to handler,
 * built once; types it does not know (from a newer server) are left alone.
 */
final class FrameHandler implements Connector.Listener {

    private final Map<MessageType, Consumer<JsonNode>> handlers = new EnumMap<>(MessageType.class);
    private final PendingRequests pending;
    private final Roster roster;
    private final EventRenderer renderer;
    private final Console console;
    private final CommandRunner runner;
    private final DeliveryReceipts receipts;
    /** Whether 2.3 read and typing notices are shown (a terminal, or a script that asked with --notices). */
    private final boolean notices;

    FrameHandler(PendingRequests pending, Roster roster, EventRenderer renderer, Console console,
                 CommandRunner runner, DeliveryReceipts receipts, boolean notices) {
        this.notices = notices;
        this.pending = pending;
        this.roster = roster;
        this.renderer = renderer;
        this.console = console;
        this.runner = runner;
        this.receipts = receipts;
        handlers.put(MessageType.LOGIN_ACK, this::reply);
        handlers.put(MessageType.REGISTER_ACK, this::reply);
        handlers.put(MessageType.ACK, this::reply);
        // A PONG only proves the connection alive; reading it was the point.
        handlers.put(MessageType.PONG, frame -> { });
        handlers.put(MessageType.ONE_CHAT, this::message);
        handlers.put(MessageType.GROUP_CHAT, this::message);
        handlers.put(MessageType.PRESENCE, this::presence);
        handlers.put(MessageType.FRIEND_ADDED, this::friendAdded);
        handlers.put(MessageType.GROUP_JOINED, this::groupJoined);
        handlers.put(MessageType.READ_NOTICE, this::readNotice);
        handlers.put(MessageType.TYPING, this::typing);
        // DELIVERED (22) is a tick for a page's messages; the console shows no ticks.
    }

    /**
     * 2.3: someone read the conversation. Shown only when the other user read ours; a read on
     * one of our own other devices changes nothing on this screen.
     */
    private void readNotice(JsonNode frame) {
        Roster.Person me = roster.me();
        int reader = frame.path("reader").asInt();
        if (notices && me != null && reader != me.id()) {
            console.show(renderer.readBy(reader));
        }
    }

    private void typing(JsonNode frame) {
        if (notices) {
            console.show(renderer.typing(frame));
        }
    }

    @Override
    public void connected(String address, boolean again) {
        runner.connected(address, again);
    }

    @Override
    public void received(JsonNode frame) {
        MessageType type = MessageType.fromCode(frame.path("msgid").asLong(0));
        Consumer<JsonNode> handler = type == null ? null : handlers.get(type);
        if (handler == null) {
            return;
        }
        try {
            handler.accept(frame);
        } catch (RuntimeException e) {
            // A frame we cannot make sense of must not end the connection thread, and with it the client.
            console.show(Line.error("Could not show a frame from the server (" + e + "): " + Json.text(frame)));
        }
    }

    private void reply(JsonNode frame) {
        if (receipts.answered(frame)) {
            return; // a RECEIPT refused for now: it goes again by itself, nothing for the user to do
        }
        if (!pending.complete(frame) && frame.path("errno").asInt(0) != 0) {
            console.show(Line.error("The server refused a request: " + EventRenderer.reason(frame) + "."));
        }
    }

    private void message(JsonNode frame) {
        // If it cannot be rendered, received() shows the raw frame instead; it is confirmed either way.
        receipts.handle(List.of(frame), unseen -> unseen.forEach(chat -> {
            Roster.Person me = roster.me();
            int senderId = chat.path("id").asInt();
            // From the user's own id: a 2.3 carbon, sent from another device; shown and confirmed
            // like any other message.
            if (me == null || senderId != me.id()) {
                roster.sender(senderId, chat.path("name").asText("?"));
            }
            console.show(renderer.message(chat));
        }));
    }

    /**
     * Someone added us as a friend (2.2), or we added {@code friend} on another device (2.3: then
     * {@code by} is our id); either way our friend list is right without logging in again.
     */
    private void friendAdded(JsonNode frame) {
        Roster.Person friend = Roster.Person.of(frame.path("friend"));
        roster.addFriend(friend);
        boolean onAnotherDevice = isMe(frame.path("by").asInt(0));
        console.show(onAnotherDevice ? renderer.addedOnAnotherDevice(friend) : renderer.addedYou(friend));
    }

    /**
     * Someone joined one of our groups (2.2), or we joined or created a group on another device
     * (2.3: {@code user} is us, and {@code group} lists the group as the join ack does).
     */
    private void groupJoined(JsonNode frame) {
        Roster.Member member = Roster.Member.of(frame.path("user"));
        if (isMe(member.id()) && frame.hasNonNull("group")) {
            Roster.Group group = Roster.Group.of(frame.path("group"));
            roster.addGroup(group);
            console.show(renderer.joinedOnAnotherDevice(group, member.role()));
            return;
        }
        int groupId = frame.path("groupid").asInt();
        roster.memberJoined(groupId, member);
        console.show(renderer.memberJoined(member, groupId));
    }

    private boolean isMe(int userId) {
        Roster.Person me = roster.me();
        return me != null && userId == me.id();
    }

    private void presence(JsonNode frame) {
        int userId = frame.path("id").asInt();
        String name = frame.path("name").asText("?");
        boolean online = "online".equals(frame.path("state").asText());
        roster.presence(userId, name, online);
        console.show(renderer.presence(userId, name, online));
    }

    @Override
    public void garbled(String address, JsonProcessingException error) {
        console.show(Line.error("Ignored a line from " + address + " that is not JSON: " + error.getOriginalMessage()));
    }

    @Override
    public void disconnected(String address, String reason, Duration retryIn) {
        receipts.stopped();
        for (String action : pending.abandonAll()) {
            console.show(Line.error("No answer to \"" + action + "\" before the connection was lost: "
                    + "it may or may not have been done."));
        }
        console.show(Line.notice("Lost the connection to " + address + " (" + reason + "); reconnecting in "
                + seconds(retryIn) + "."));
    }

    @Override
    public void unreachable(String address, IOException error, Duration retryIn) {
        String why = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        console.show(Line.notice("Cannot reach " + address + " (" + why + "); trying again in " + seconds(retryIn) + "."));
    }

    @Override
    public void refused(String address, ServerNotTrustedException error) {
        // Said first: abandoning the requests below may let the client end.
        console.show(Line.error("Refused to connect to " + address + ": " + error.getMessage() + "."));
        receipts.stopped();
        for (String action : pending.abandonAll()) {
            console.show(Line.error("No answer to \"" + action + "\": the connection was refused."));
        }
    }

    /** "0.5 s", "12 s". */
    static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis < 10_000 ? String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0) : millis / 1000 + " s";
    }
}
