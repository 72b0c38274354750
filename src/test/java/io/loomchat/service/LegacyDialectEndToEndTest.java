package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Json;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The classic C++ console client, as the server sees it: every request is the JSON text plus
 * a NUL (it sends strlen + 1 bytes), and it reads one frame per recv() and parses exactly that,
 * so anything it does not expect (an ACK, a PONG, a PRESENCE) would end up in its next parse.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LegacyDialectEndToEndTest extends EndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @Test
    void registerAndLoginGetTheClassicShapesWithEmptyArraysLeftOut() throws IOException {
        ChatClient classic = connect();
        JsonNode reg = classicCall(classic, "{\"msgid\":4,\"name\":\"zhang\",\"password\":\"123456\"}");
        assertEquals(5, reg.path("msgid").asInt());
        assertEquals(0, reg.path("errno").asInt());
        int id = reg.path("id").asInt();

        JsonNode login = classicCall(classic, "{\"msgid\":1,\"id\":" + id + ",\"password\":\"123456\"}");
        assertEquals(2, login.path("msgid").asInt());
        assertEquals(0, login.path("errno").asInt());
        assertEquals("zhang", login.path("name").asText());
        assertFalse(login.has("friends"), login::toString);
        assertFalse(login.has("groups"));
        assertFalse(login.has("offlinemsg"));
        classic.expectNothing(QUIET);

        JsonNode wrong = classicCall(classic, "{\"msgid\":1,\"id\":" + id + ",\"password\":\"bad\"}");
        assertEquals(2, wrong.path("msgid").asInt());
        assertTrue(wrong.path("errno").asInt() != 0);
    }

    @Test
    void theLoginAckCarriesFriendsGroupsAndOfflineMessagesAsJsonStrings() throws IOException {
        TestUser modern = newUser("li");
        TestUser legacy = offlineUser("wang");
        modern.client().call("{\"msgid\":7,\"friendid\":" + legacy.id() + "}");
        int groupId = modern.client().call("{\"msgid\":8,\"groupname\":\"g-" + modern.id() + "\",\"groupdesc\":\"d\"}")
                .path("groupid").asInt();
        ChatClient joiner = connect();
        joiner.login(legacy.id(), PASSWORD);
        joiner.call("{\"msgid\":9,\"groupid\":" + groupId + "}");
        joiner.call("{\"msgid\":3}");
        modern.client().next(14);
        modern.client().next(14);
        modern.client().call("{\"msgid\":6,\"toid\":" + legacy.id() + ",\"msg\":\"while you were away\"}");

        ChatClient classic = connect();
        JsonNode login = classicCall(classic, "{\"msgid\":1,\"id\":" + legacy.id() + ",\"password\":\"" + PASSWORD + "\"}");
        JsonNode friend = Json.parse(login.path("friends").get(0).textValue());
        assertEquals(modern.id(), friend.path("id").asInt());
        assertEquals("online", friend.path("state").asText());
        JsonNode group = Json.parse(login.path("groups").get(0).textValue());
        assertEquals(groupId, group.path("id").asInt());
        JsonNode member = Json.parse(group.path("users").get(0).textValue());
        assertEquals("creator", member.path("role").asText());
        JsonNode offline = Json.parse(login.path("offlinemsg").get(0).textValue());
        assertEquals(6, offline.path("msgid").asInt());
        assertEquals("while you were away", offline.path("msg").asText());
        assertEquals(modern.name(), offline.path("name").asText());
        classic.expectNothing(QUIET);
    }

    @Test
    void onlyChatFramesReachAClassicClientAndItsRequestsAreServedWithoutAcks() throws IOException {
        TestUser modern = newUser("zhao");
        TestUser legacy = offlineUser("qian");
        modern.client().call("{\"msgid\":7,\"friendid\":" + legacy.id() + "}");
        ChatClient classic = connect();
        classicCall(classic, "{\"msgid\":1,\"id\":" + legacy.id() + ",\"password\":\"" + PASSWORD + "\"}");
        assertEquals("online", modern.client().next(14).path("state").asText(), "modern friends still see presence");

        // A chat as the classic client builds it: its own id, name and time, which the server replaces.
        classicSend(classic, "{\"msgid\":6,\"id\":" + legacy.id() + ",\"name\":\"" + legacy.name() + "\",\"toid\":"
                + modern.id() + ",\"msg\":\"ni hao\",\"time\":\"2020-01-01 00:00:00\"}");
        JsonNode received = modern.client().next(6);
        assertEquals("ni hao", received.path("msg").asText());
        assertEquals(legacy.id(), received.path("id").asInt());

        modern.client().call("{\"msgid\":6,\"toid\":" + legacy.id() + ",\"msg\":\"hello back\"}");
        JsonNode live = Json.parse(classic.readRawFrame(Duration.ofSeconds(5)));
        assertEquals(6, live.path("msgid").asInt());
        assertEquals("hello back", live.path("msg").asText());

        // PING, garbage, and a forbidden request: served, but no ACK or PONG goes to this client.
        classicSend(classic, "{\"msgid\":12}");
        classicSend(classic, "this is not json");
        classicSend(classic, "{\"msgid\":6,\"id\":" + modern.id() + ",\"toid\":" + modern.id() + ",\"msg\":\"spoof\"}");
        classicSend(classic, "{\"msgid\":7,\"id\":" + legacy.id() + ",\"friendid\":424242}");
        classic.expectNothing(QUIET);
        modern.client().expectNothing(QUIET);

        classicSend(classic, "{\"msgid\":3,\"id\":" + legacy.id() + "}");
        assertEquals("offline", modern.client().next(14).path("state").asText());
        classic.expectNothing(QUIET);
    }

    @Test
    void aLaterNewlineFrameOnALegacyConnectionStillGetsLegacyReplies() throws IOException {
        ChatClient classic = connect();
        JsonNode reg = classicCall(classic, "{\"msgid\":4,\"name\":\"sun\",\"password\":\"pw\"}");
        classic.send("{\"msgid\":12}");
        classic.expectNothing(QUIET);
        JsonNode login = Json.parse(send(classic, "{\"msgid\":1,\"id\":" + reg.path("id").asInt()
                + ",\"password\":\"pw\"}\n"));
        assertFalse(login.has("friends"), "still the legacy shape");
    }

    private static void classicSend(ChatClient classic, String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        classic.sendRaw(withNul);
    }

    private static JsonNode classicCall(ChatClient classic, String json) throws IOException {
        classicSend(classic, json);
        byte[] frame = classic.readRawFrame(Duration.ofSeconds(10));
        assertTrue(frame != null, "no reply to " + json);
        return Json.parse(frame);
    }

    private static byte[] send(ChatClient classic, String raw) {
        classic.sendRaw(raw.getBytes(StandardCharsets.UTF_8));
        return classic.readRawFrame(Duration.ofSeconds(10));
    }
}
