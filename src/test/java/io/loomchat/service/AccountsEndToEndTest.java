package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class AccountsEndToEndTest extends EndToEndTest {

    @Test
    void registeringReturnsANewIdAndTheUserCanLogIn() {
        ChatClient client = connect();
        int alice = client.register("alice", "pw-a");
        int bob = client.register("bob", "pw-b");
        assertTrue(alice > 0);
        assertNotEquals(alice, bob);

        JsonNode ack = client.login(alice, "pw-a");
        assertEquals("alice", ack.path("name").asText());
        assertEquals(alice, ack.path("id").asInt());
        assertTrue(ack.path("friends").isArray() && ack.path("friends").isEmpty());
        assertTrue(ack.path("groups").isArray() && ack.path("groups").isEmpty());
        assertTrue(ack.path("offlinemsg").isArray() && ack.path("offlinemsg").isEmpty());
    }

    @Test
    void aTakenNameIsRefusedWithErrno1() {
        ChatClient client = connect();
        client.register("carol", "pw");
        JsonNode ack = client.call("{\"msgid\":4,\"name\":\"carol\",\"password\":\"other\"}");
        assertEquals(5, ack.path("msgid").asInt());
        assertEquals(1, ack.path("errno").asInt());
        assertTrue(ack.path("errmsg").asText().contains("taken"), ack::toString);
    }

    @Test
    void registrationWithMissingEmptyOrOverlongFieldsIsABadRequest() {
        ChatClient client = connect();
        String longName = "n".repeat(51);
        for (String request : new String[] {
            "{\"msgid\":4,\"password\":\"pw\"}",
            "{\"msgid\":4,\"name\":\"x\"}",
            "{\"msgid\":4,\"name\":\"\",\"password\":\"pw\"}",
            "{\"msgid\":4,\"name\":\"x\",\"password\":\"\"}",
            "{\"msgid\":4,\"name\":\"" + longName + "\",\"password\":\"pw\"}",
            "{\"msgid\":4,\"name\":\"x\",\"password\":\"" + "p".repeat(129) + "\"}",
            "{\"msgid\":4,\"name\":42,\"password\":\"pw\"}",
            "{\"msgid\":4,\"name\":\"   \",\"password\":\"pw\"}",
        }) {
            JsonNode ack = client.call(request);
            assertEquals(5, ack.path("msgid").asInt(), request);
            assertEquals(4, ack.path("errno").asInt(), () -> request + " -> " + ack);
        }
        // 50 characters, some of them Chinese, is still a valid name.
        assertTrue(client.register("\u540d".repeat(10) + "n".repeat(40), "pw") > 0);
    }

    @Test
    void aWrongPasswordOrUnknownIdGetsTheClassicErrno1Text() {
        ChatClient client = connect();
        int id = client.register("dave", "right");
        for (String request : new String[] {
            "{\"msgid\":1,\"id\":" + id + ",\"password\":\"wrong\"}",
            "{\"msgid\":1,\"id\":999999,\"password\":\"right\"}",
        }) {
            JsonNode ack = client.call(request);
            assertEquals(2, ack.path("msgid").asInt());
            assertEquals(1, ack.path("errno").asInt());
            assertEquals("id or password is invalid!", ack.path("errmsg").asText());
        }
    }

    @Test
    void aSecondLoginOfAnOnlineAccountIsRefusedWithErrno2() {
        TestUser erin = newUser("erin");
        ChatClient second = connect();
        JsonNode ack = second.call("{\"msgid\":1,\"id\":" + erin.id() + ",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(2, ack.path("errno").asInt());
        assertEquals("this account is using, input another!", ack.path("errmsg").asText());
        // The first session is untouched.
        assertEquals(13, erin.client().call("{\"msgid\":12}").path("msgid").asInt());
    }

    @Test
    void loggingInTwiceOnOneConnectionIsAConflict() {
        TestUser frank = newUser("frank");
        int other = offlineUser("other").id();
        JsonNode ack = frank.client().call("{\"msgid\":1,\"id\":" + other + ",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(7, ack.path("errno").asInt(), ack::toString);
    }

    @Test
    void everyRequestButLoginRegisterAndPingNeedsALogin() {
        ChatClient client = connect();
        for (int msgid : new int[] {3, 6, 7, 8, 9, 10}) {
            JsonNode ack = client.call("{\"msgid\":" + msgid + ",\"toid\":1,\"msg\":\"x\",\"friendid\":1,"
                    + "\"groupid\":1,\"groupname\":\"g\"}");
            assertEquals(11, ack.path("msgid").asInt());
            assertEquals(msgid, ack.path("ack").asInt());
            assertEquals(3, ack.path("errno").asInt(), ack::toString);
        }
        JsonNode pong = client.call("{\"msgid\":12}");
        assertEquals(13, pong.path("msgid").asInt());
        assertTrue(Math.abs(pong.path("time").asLong() - System.currentTimeMillis()) < 60_000);
    }

    @Test
    void afterLogoutTheConnectionStaysOpenLoggedOutAndCanLogInAgain() {
        TestUser gina = newUser("gina");
        JsonNode ack = gina.client().call("{\"msgid\":3,\"id\":" + gina.id() + "}");
        assertEquals(3, ack.path("ack").asInt());
        assertEquals(0, ack.path("errno").asInt());
        assertEquals(3, gina.client().call("{\"msgid\":6,\"toid\":1,\"msg\":\"x\"}").path("errno").asInt());
        assertEquals(3, gina.client().call("{\"msgid\":3}").path("errno").asInt());
        assertEquals("offline", stateOf(gina.id()));
        gina.client().login(gina.id(), PASSWORD);
        assertEquals("online", stateOf(gina.id()));
    }

    @Test
    void logoutInAnotherUsersNameIsForbidden() {
        TestUser hank = newUser("hank");
        TestUser ivy = newUser("ivy");
        JsonNode ack = hank.client().call("{\"msgid\":3,\"id\":" + ivy.id() + "}");
        assertEquals(6, ack.path("errno").asInt(), ack::toString);
        assertEquals("online", stateOf(ivy.id()));
        assertEquals("online", stateOf(hank.id()));
    }

    @Test
    void theDatabaseTracksPresenceAndStoresOnlySaltedHashes() {
        ChatClient client = connect();
        int a = client.register("jack", "same-password");
        int b = client.register("jill", "same-password");
        String hashA = passwordOf(a);
        String hashB = passwordOf(b);
        assertFalse(hashA.contains("same-password"));
        assertTrue(hashA.startsWith("pbkdf2-sha256$1000$"), hashA);
        assertNotEquals(hashA, hashB, "each hash has its own salt");

        assertEquals("offline", stateOf(a));
        client.login(a, "same-password");
        assertEquals("online", stateOf(a));
        client.call("{\"msgid\":3}");
        assertEquals("offline", stateOf(a));
    }

    @Test
    void seqIsEchoedInEveryReplyAndAnInvalidSeqIsRefused() {
        ChatClient client = connect();
        assertEquals(7, client.call("{\"msgid\":12,\"seq\":7}").path("seq").asInt());
        assertEquals("abc", client.call("{\"msgid\":12,\"seq\":\"abc\"}").path("seq").asText());
        assertEquals(9, client.call("{\"msgid\":4,\"name\":\"kim\",\"password\":\"pw\",\"seq\":9}").path("seq").asInt());
        JsonNode loginError = client.call("{\"msgid\":1,\"id\":424242,\"password\":\"pw\",\"seq\":\"L1\"}");
        assertEquals("L1", loginError.path("seq").asText());
        JsonNode notLoggedIn = client.call("{\"msgid\":6,\"toid\":1,\"msg\":\"x\",\"seq\":11}");
        assertEquals(11, notLoggedIn.path("seq").asInt());

        for (String badSeq : new String[] {"{\"a\":1}", "[1]", "1.5", "\"" + "s".repeat(65) + "\""}) {
            JsonNode ack = client.call("{\"msgid\":12,\"seq\":" + badSeq + "}");
            assertEquals(11, ack.path("msgid").asInt());
            assertEquals(12, ack.path("ack").asInt());
            assertEquals(4, ack.path("errno").asInt(), badSeq);
        }
    }

    private String stateOf(int id) {
        return server.database().query("SELECT state FROM User WHERE id = " + id,
                rows -> rows.next() ? rows.getString(1) : null);
    }

    private String passwordOf(int id) {
        return server.database().query("SELECT password FROM User WHERE id = " + id,
                rows -> rows.next() ? rows.getString(1) : null);
    }
}
