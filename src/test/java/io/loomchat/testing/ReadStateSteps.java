package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of protocol 2.3 scenarios (devices, read state, typing) as a client takes them, for
 * tests on one server and across servers alike. Each fails the test when the server says no.
 */
public final class ReadStateSteps {

    private ReadStateSteps() {
    }

    /** Logs in as a 2.3 client naming {@code device}, retrying while an earlier session is signed out. */
    public static JsonNode loginDevice(ChatClient client, int userId, String password, String device) {
        long deadline = System.nanoTime() + ChatClient.DEFAULT_WAIT.toNanos();
        while (true) {
            JsonNode ack = client.call("{\"msgid\":1,\"id\":" + userId + ",\"password\":" + ChatClient.quote(password)
                    + ",\"device\":" + ChatClient.quote(device) + "}");
            int errno = ack.path("errno").asInt();
            if (errno != 2 || System.nanoTime() > deadline) {
                assertEquals(0, errno, ack::toString);
                return ack;
            }
            pause();
        }
    }

    /** Sends a one-to-one message and returns its mid. */
    public static long chat(ChatClient from, int to, String text) {
        JsonNode ack = from.call("{\"msgid\":6,\"toid\":" + to + ",\"msg\":" + ChatClient.quote(text) + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    /** Sends a group message and returns its mid. */
    public static long groupChat(ChatClient from, int group, String text) {
        JsonNode ack = from.call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":" + ChatClient.quote(text) + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("mid").asLong();
    }

    /** The ACK of CONVERSATIONS, checked to be errno 0. */
    public static JsonNode conversations(ChatClient client) {
        JsonNode ack = client.call("{\"msgid\":19}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("conversations");
    }

    /** The entry of CONVERSATIONS for the one-to-one conversation with {@code with}; fails when absent. */
    public static JsonNode conversationWith(ChatClient client, int with) {
        for (JsonNode conversation : conversations(client)) {
            if (conversation.path("with").asInt() == with) {
                return conversation;
            }
        }
        throw new AssertionError("no conversation with " + with + " in " + conversations(client));
    }

    /** READ has no reply: a PING after it proves it was served (requests of one connection run in order). */
    public static void read(ChatClient client, String conversationField, int id, long upto) {
        client.send("{\"msgid\":20,\"" + conversationField + "\":" + id + ",\"upto\":" + upto + "}");
        JsonNode reply = client.call("{\"msgid\":12}");
        assertEquals(13, reply.path("msgid").asInt(), () -> "READ was refused: " + reply);
    }

    /** Confirms chat frames (RECEIPT), then waits for it to be served as {@link #read} does. */
    public static void confirm(ChatClient client, long... mids) {
        StringBuilder list = new StringBuilder();
        for (long mid : mids) {
            list.append(list.isEmpty() ? "" : ",").append(mid);
        }
        client.send("{\"msgid\":15,\"mids\":[" + list + "]}");
        JsonNode reply = client.call("{\"msgid\":12}");
        assertEquals(13, reply.path("msgid").asInt(), () -> "RECEIPT was refused: " + reply);
    }

    /**
     * Fails if a frame of one of the given types arrives within {@code wait} (or was queued);
     * frames of other types are read and dropped.
     */
    public static void expectNone(ChatClient client, java.time.Duration wait, int... msgids) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame = left <= 0 ? null : client.poll(java.time.Duration.ofNanos(left));
            if (frame == null) {
                return;
            }
            for (int msgid : msgids) {
                if (frame.path("msgid").asInt() == msgid) {
                    throw new AssertionError("expected no frame of type " + msgid + ", got " + frame);
                }
            }
        }
    }

    public static List<Long> longs(JsonNode array) {
        List<Long> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asLong()));
        return values;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
