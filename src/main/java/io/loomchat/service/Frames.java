package io.loomchat.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.loomchat.protocol.Dialect;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import io.loomchat.store.Contact;
import io.loomchat.store.Group;
import io.loomchat.store.OfflineMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Builds the frames the server sends, in the shapes PROTOCOL.md gives them. */
final class Frames {

    /** The classic client prints this. Server-local time, as the classic server used. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    /**
     * The last second formatted: every chat message carries the time, and formatting it costs
     * more than the rest of the frame's fields together; it changes once a second.
     */
    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    private record FormattedSecond(long epochSecond, String text) {
    }

    private Frames() {
    }

    /**
     * The refusal of a request: LOGIN and REG are answered with their own ack type, everything
     * else with an ACK naming the refused {@code msgid} (0 when it is unknown).
     */
    static ObjectNode error(int msgid, JsonNode seq, Errno errno, String errmsg) {
        ObjectNode frame;
        if (msgid == MessageType.LOGIN.code()) {
            frame = typed(MessageType.LOGIN_ACK);
        } else if (msgid == MessageType.REGISTER.code()) {
            frame = typed(MessageType.REGISTER_ACK);
        } else {
            frame = typed(MessageType.ACK);
            frame.put("ack", msgid);
        }
        frame.put("errno", errno.code());
        frame.put("errmsg", errmsg);
        return withSeq(frame, seq);
    }

    /** A successful ACK; handlers add their result fields. */
    static ObjectNode ack(Request request) {
        ObjectNode frame = typed(MessageType.ACK);
        frame.put("ack", request.msgid());
        frame.put("errno", 0);
        return withSeq(frame, request.seq());
    }

    /**
     * The ACK of a one-to-one message, written straight to bytes like the chat frame itself: with
     * the chat frame it is the other frame made for every message.
     */
    static byte[] oneChatAck(Request request, long mid, boolean online) {
        JsonNode seq = request.seq();
        return Json.frame(fields -> {
            fields.writeNumberField("msgid", MessageType.ACK.code());
            fields.writeNumberField("ack", request.msgid());
            fields.writeNumberField("errno", 0);
            if (seq != null) {
                fields.writeFieldName("seq");
                if (seq.isTextual()) {
                    fields.writeString(seq.textValue());
                } else {
                    fields.writeNumber(seq.longValue()); // Request.parse admits no other seq
                }
            }
            fields.writeNumberField("mid", mid);
            fields.writeStringField("stored", online ? "online" : "offline");
        });
    }

    static ObjectNode registerAck(Request request, int userId) {
        ObjectNode frame = typed(MessageType.REGISTER_ACK);
        frame.put("errno", 0);
        frame.put("id", userId);
        return withSeq(frame, request.seq());
    }

    static ObjectNode pong(Request request, long nowMillis) {
        ObjectNode frame = typed(MessageType.PONG);
        frame.put("time", nowMillis);
        return withSeq(frame, request.seq());
    }

    /**
     * The login ack. In the legacy dialect every element of the arrays is itself JSON text, and
     * empty arrays are left out, as the classic server did.
     */
    static ObjectNode loginAck(Request request, Dialect dialect, int userId, String name, List<Contact> friends,
                               List<Group> groups, List<OfflineMessage> offline) {
        boolean legacy = dialect == Dialect.LEGACY;
        ObjectNode frame = typed(MessageType.LOGIN_ACK);
        frame.put("errno", 0);
        frame.put("id", userId);
        frame.put("name", name);
        ArrayNode friendArray = Json.MAPPER.createArrayNode();
        friends.forEach(friend -> add(friendArray, contact(friend), legacy));
        ArrayNode groupArray = Json.MAPPER.createArrayNode();
        groups.forEach(group -> add(groupArray, group(group, legacy), legacy));
        ArrayNode offlineArray = Json.MAPPER.createArrayNode();
        for (OfflineMessage message : offline) {
            if (legacy) {
                offlineArray.add(message.json());
            } else {
                // Stored exactly as the server built it, so it goes out as is, unparsed.
                offlineArray.addRawValue(new RawValue(message.json()));
            }
        }
        put(frame, "friends", friendArray, legacy);
        put(frame, "groups", groupArray, legacy);
        put(frame, "offlinemsg", offlineArray, legacy);
        return withSeq(frame, request.seq());
    }

    /**
     * An offline message sent after the login ack (protocol 2.1): the stored frame, marked
     * {@code "offline":true}. The stored text is a JSON object the server built itself, so the
     * mark goes in before its closing brace without parsing it again.
     */
    static byte[] backlogFrame(String storedJson) {
        int end = storedJson.lastIndexOf('}');
        return (storedJson.substring(0, end) + ",\"offline\":true}").getBytes(StandardCharsets.UTF_8);
    }

    /** A delivered frame as the offline store keeps it: its JSON text. */
    static String storedJson(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }

    static ObjectNode contact(Contact contact) {
        ObjectNode node = Json.object();
        node.put("id", contact.id());
        node.put("name", contact.name());
        node.put("state", state(contact.online()));
        return node;
    }

    /** A group as the login ack and the join ack carry it. */
    static ObjectNode group(Group group, boolean legacy) {
        ObjectNode node = Json.object();
        node.put("id", group.id());
        node.put("groupname", group.name());
        node.put("groupdesc", group.description());
        ArrayNode users = Json.MAPPER.createArrayNode();
        for (Group.Member member : group.members()) {
            ObjectNode user = Json.object();
            user.put("id", member.id());
            user.put("name", member.name());
            user.put("state", state(member.online()));
            user.put("role", member.role());
            add(users, user, legacy);
        }
        put(node, "users", users, legacy);
        return node;
    }

    /** A one-to-one chat message as its recipient gets it. */
    static byte[] oneChat(long mid, int fromId, String fromName, int toId, String text, long nowMillis) {
        return chat(MessageType.ONE_CHAT, mid, fromId, fromName, "toid", toId, text, nowMillis);
    }

    /** A group chat message as every recipient gets it. */
    static byte[] groupChat(long mid, int fromId, String fromName, int groupId, String text, long nowMillis) {
        return chat(MessageType.GROUP_CHAT, mid, fromId, fromName, "groupid", groupId, text, nowMillis);
    }

    /**
     * Roster push FRIEND_ADDED: the recipient and {@code friend} are friends now, as user
     * {@code by} asked. For the user who was added, {@code friend} is the adder and {@code by}
     * its id (2.2); for the adder's other sessions (2.3 devices), {@code friend} is the one added.
     */
    static ObjectNode friendAdded(Contact friend, int by) {
        ObjectNode frame = typed(MessageType.FRIEND_ADDED);
        frame.set("friend", contact(friend));
        frame.put("by", by);
        return frame;
    }

    /** 2.2 roster push: someone joined a group of the recipient's; a joiner's role is always {@code normal}. */
    static ObjectNode groupJoined(int groupId, Contact joiner) {
        return groupJoined(groupId, joiner, Group.NORMAL);
    }

    /**
     * Roster push to the user's own other sessions (2.3 devices): the user joined or created
     * {@code group} (its role says which), and {@code group} is listed as the join ack lists it,
     * so that a device can add it without asking.
     */
    static ObjectNode ownGroupJoined(Group group, int userId) {
        Group.Member self = group.members().stream().filter(member -> member.id() == userId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("user " + userId + " is not in group " + group.id()));
        // Online, whatever the database last said: the user is on another session at this moment.
        ObjectNode frame = groupJoined(group.id(), new Contact(self.id(), self.name(), true), self.role());
        frame.set("group", group(group, false));
        return frame;
    }

    private static ObjectNode groupJoined(int groupId, Contact joiner, String role) {
        ObjectNode frame = typed(MessageType.GROUP_JOINED);
        frame.put("groupid", groupId);
        ObjectNode user = contact(joiner);
        user.put("role", role);
        frame.set("user", user);
        return frame;
    }

    /**
     * 2.3 READ_NOTICE: {@code reader} read the conversation up to {@code upto}; the conversation is
     * the one-to-one with user {@code with}, or group {@code groupId} (the other one 0).
     */
    static ObjectNode readNotice(int with, int groupId, int reader, long upto) {
        ObjectNode frame = typed(MessageType.READ_NOTICE);
        if (groupId != 0) {
            frame.put("groupid", groupId);
        } else {
            frame.put("with", with);
        }
        frame.put("reader", reader);
        frame.put("upto", upto);
        return frame;
    }

    /** 2.3 TYPING as its recipients get it: to user {@code to}, or in group {@code groupId} (the other one 0). */
    static ObjectNode typing(int typist, String name, int to, int groupId) {
        ObjectNode frame = typed(MessageType.TYPING);
        frame.put("id", typist);
        frame.put("name", name);
        if (groupId != 0) {
            frame.put("groupid", groupId);
        } else {
            frame.put("to", to);
        }
        return frame;
    }

    static ObjectNode presence(int userId, String name, boolean online) {
        ObjectNode frame = typed(MessageType.PRESENCE);
        frame.put("id", userId);
        frame.put("name", name);
        frame.put("state", state(online));
        return frame;
    }

    /** {@code nowMillis} as the classic client prints it, server-local time. */
    static String time(long nowMillis) {
        long second = Math.floorDiv(nowMillis, 1000);
        FormattedSecond last = lastSecond;
        if (last.epochSecond() != second) {
            // Racing threads may each format the same second; they store equal strings.
            last = new FormattedSecond(second, TIME.format(Instant.ofEpochSecond(second)));
            lastSecond = last;
        }
        return last.text();
    }

    static String state(boolean online) {
        return online ? "online" : "offline";
    }

    /**
     * A chat frame is written straight to bytes, not built as a tree first: it is the one frame
     * made for every message sent, and the tree and its walk were a fifth of the server's own
     * work per message under a one-to-one load (JFR, loadtest/results/2026-12-07-versus-peer.md).
     */
    private static byte[] chat(MessageType type, long mid, int fromId, String fromName, String toField, int to,
                               String text, long nowMillis) {
        return Json.frame(fields -> {
            fields.writeNumberField("msgid", type.code());
            fields.writeNumberField("mid", mid);
            fields.writeNumberField("id", fromId);
            fields.writeStringField("name", fromName);
            fields.writeNumberField(toField, to);
            fields.writeStringField("msg", text);
            fields.writeStringField("time", time(nowMillis));
            fields.writeNumberField("ts", nowMillis);
        });
    }

    private static ObjectNode typed(MessageType type) {
        ObjectNode frame = Json.object();
        frame.put("msgid", type.code());
        return frame;
    }

    private static ObjectNode withSeq(ObjectNode frame, JsonNode seq) {
        if (seq != null) {
            frame.set("seq", seq);
        }
        return frame;
    }

    private static void add(ArrayNode array, ObjectNode element, boolean legacy) {
        if (legacy) {
            array.add(Json.text(element));
        } else {
            array.add(element);
        }
    }

    private static void put(ObjectNode frame, String field, ArrayNode array, boolean legacy) {
        if (!legacy || !array.isEmpty()) {
            frame.set(field, array);
        }
    }
}
