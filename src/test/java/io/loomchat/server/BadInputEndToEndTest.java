package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class BadInputEndToEndTest extends EndToEndTest {

    @Test
    void garbageIsAnsweredWithErrno4AndTheConnectionKeepsWorking() {
        ChatClient client = connect();
        assertBadRequest(client.call("this is not json"), 0);
        assertBadRequest(client.call("[1,2,3]"), 0);
        assertBadRequest(client.call("\"just a string\""), 0);
        assertBadRequest(client.call("{\"msgid\":12} trailing"), 0);
        assertBadRequest(client.call("{\"msgid\":12"), 0);
        assertBadRequest(client.call("{}"), 0);
        assertBadRequest(client.call("{\"msgid\":\"12\"}"), 0);
        assertBadRequest(client.call("{\"msgid\":12.5}"), 0);
        assertBadRequest(client.call("{\"msgid\":99999999999}"), 0);
        assertBadRequest(client.call("{\"msgid\":99}"), 99);
        assertBadRequest(client.call("{\"msgid\":-1}"), -1);
        // LOGIN is always answered with a login ack, also when refused.
        for (String login : new String[] {"{\"msgid\":1,\"id\":\"1\",\"password\":\"x\"}",
                "{\"msgid\":1,\"password\":\"x\"}", "{\"msgid\":1,\"id\":1,\"password\":[\"x\"]}"}) {
            JsonNode ack = client.call(login);
            assertEquals(2, ack.path("msgid").asInt(), ack::toString);
            assertEquals(4, ack.path("errno").asInt(), ack::toString);
        }
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt(), "still served");
    }

    @Test
    void typesOnlyTheServerSendsAreUnknownWhenAClientSendsThem() {
        TestUser alice = newUser("alice");
        for (int serverOnly : new int[] {2, 5, 11, 13, 14}) {
            assertBadRequest(alice.client().call("{\"msgid\":" + serverOnly + "}"), serverOnly);
        }
    }

    @Test
    void invalidUtf8IsABadRequest() {
        ChatClient client = connect();
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes("{\"msgid\":12,\"seq\":\"".getBytes(StandardCharsets.US_ASCII));
        frame.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        frame.writeBytes("\"}\n".getBytes(StandardCharsets.US_ASCII));
        client.sendRaw(frame.toByteArray());
        assertBadRequest(client.nextReply(), 0);
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt());
    }

    @Test
    void aFrameSplitAcrossManyWritesIsReassembled() throws InterruptedException {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        byte[] frame = ("{\"msgid\":6,\"toid\":" + bob.id() + ",\"msg\":\"piece by piece, 你好\"}\r\n")
                .getBytes(StandardCharsets.UTF_8);
        for (byte b : frame) {
            alice.client().sendRaw(new byte[] {b});
            Thread.sleep(1);
        }
        assertEquals(0, alice.client().nextReply().path("errno").asInt());
        assertEquals("piece by piece, 你好", bob.client().next(6).path("msg").asText());
    }

    @Test
    void severalFramesInOneWriteAreServedInOrderAndBlankLinesIgnored() {
        ChatClient client = connect();
        client.sendRaw("{\"msgid\":12,\"seq\":1}\n\n\r\n   \n{\"msgid\":12,\"seq\":2}\r\n{\"msgid\":12,\"seq\":3}\n"
                .getBytes(StandardCharsets.UTF_8));
        for (int seq = 1; seq <= 3; seq++) {
            JsonNode pong = client.next();
            assertEquals(13, pong.path("msgid").asInt());
            assertEquals(seq, pong.path("seq").asInt());
        }
        client.expectNothing(Duration.ofMillis(200));
    }

    @Test
    void anOversizedFrameGetsErrno9AndTheConnectionIsClosed() {
        ChatClient client = connect();
        byte[] huge = new byte[NetworkConfig.DEFAULT_MAX_FRAME_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) 'x');
        client.sendRaw(huge);
        JsonNode ack = client.next();
        assertEquals(11, ack.path("msgid").asInt());
        assertEquals(9, ack.path("errno").asInt());
        assertTrue(client.closedByServer(Duration.ofSeconds(5)));
    }

    @Test
    void aTerminatedFrameOverTheLimitIsRefusedToo() {
        TestUser alice = newUser("alice");
        String text = "y".repeat(NetworkConfig.DEFAULT_MAX_FRAME_BYTES);
        alice.client().send("{\"msgid\":6,\"toid\":1,\"msg\":\"" + text + "\"}");
        assertEquals(9, alice.client().next().path("errno").asInt());
        assertTrue(alice.client().closedByServer(Duration.ofSeconds(5)));
        // The user was signed out with the connection and may log in again.
        connect().loginAfterDisconnect(alice.id(), PASSWORD);
    }

    private static void assertBadRequest(JsonNode ack, int answered) {
        assertEquals(11, ack.path("msgid").asInt(), ack::toString);
        assertEquals(answered, ack.path("ack").asInt(), ack::toString);
        assertEquals(4, ack.path("errno").asInt(), ack::toString);
        assertTrue(!ack.path("errmsg").asText().isBlank(), ack::toString);
    }
}
