package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Await;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol 2.3 devices across two `loomchat server` processes sharing MariaDB and Redis: a
 * user's devices on different servers each get every message and each other's carbons, the
 * rules of who may log in beside whom hold across servers, and `kill -9` of one device's server
 * loses nothing for that device while the other chats on.
 */
class DevicesAcrossServersEndToEndTest {


    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.processes(List.of("a", "b"), false);

    @Test
    void devicesOnTwoServersGetEveryMessageAndEachOthersCarbons() {
        int alice = register();
        int bob = register();
        ChatClient aliceClient = login(0, alice, null);
        ChatClient phone = login(0, bob, "phone");
        ChatClient laptop = login(1, bob, "laptop");

        JsonNode ack = aliceClient.call(chat(bob, "to both of bob's devices"));
        assertEquals("online", ack.path("stored").asText());
        assertEquals(ack.path("mid").asLong(), phone.next(6).path("mid").asLong());
        assertEquals(ack.path("mid").asLong(), laptop.next(6).path("mid").asLong(), "the device on the other server");

        JsonNode fromLaptop = laptop.call(chat(alice, "from the laptop on b"));
        assertEquals("online", fromLaptop.path("stored").asText());
        assertEquals(fromLaptop.path("mid").asLong(), aliceClient.next(6).path("mid").asLong());
        JsonNode carbon = phone.next(6);
        assertEquals(fromLaptop.path("mid").asLong(), carbon.path("mid").asLong(), "a carbon across servers");
        assertEquals(bob, carbon.path("id").asInt());
        assertEquals(alice, carbon.path("toid").asInt());
    }

    @Test
    void whoMayLogInBesideWhomHoldsAcrossServers() {
        int erin = register();
        login(0, erin, "phone");
        assertEquals(2, attempt(1, erin, null).path("errno").asInt(), "no session without a device beside a device");
        assertEquals(2, attempt(1, erin, "phone").path("errno").asInt(), "the same device on another server");
        login(1, erin, "tablet");

        int dave = register();
        login(0, dave, null);
        assertEquals(2, attempt(1, dave, "phone").path("errno").asInt(), "no device beside a session without one");
    }

    @Test
    void aDeviceWhoseServerIsKilledGetsEveryMessageBackWhileTheOtherChatsOn() {
        int alice = register();
        int bob = register();
        ChatClient aliceClient = login(1, alice, null);
        ChatClient phone = login(0, bob, "phone"); // server a is the one to die
        ChatClient laptop = login(1, bob, "laptop");

        List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acknowledged.add(aliceClient.call(chat(bob, "before " + i)).path("mid").asLong());
        }
        for (long mid : acknowledged) {
            assertEquals(mid, phone.next(6).path("mid").asLong()); // read, never confirmed
            assertEquals(mid, laptop.next(6).path("mid").asLong());
        }
        cluster.processes().server(0).kill9();
        assertTrue(phone.closedByServer(Duration.ofSeconds(5)));

        for (int i = 0; i < 20; i++) {
            JsonNode ack = aliceClient.call(chat(bob, "after " + i));
            assertEquals("online", ack.path("stored").asText(), "the laptop still lives: bob is online");
            acknowledged.add(ack.path("mid").asLong());
            assertEquals(ack.path("mid").asLong(), laptop.next(6).path("mid").asLong(), "the laptop chats on");
        }

        ChatClient phoneAgain = connect(1);
        JsonNode back = retryLogin(phoneAgain, bob, "phone");
        List<Long> received = new ArrayList<>();
        back.path("offlinemsg").forEach(message -> received.add(message.path("mid").asLong()));
        for (int i = back.path("pending").asInt(); i > 0; i--) {
            received.add(phoneAgain.next(6).path("mid").asLong());
        }
        assertEquals(acknowledged.stream().sorted().toList(), received,
                "every message, once, oldest first, with its mid, for the device whose server died");
        laptop.expectNothing(Duration.ofMillis(300));
    }

    private int register() {
        return cluster.register(0, "device-user");
    }

    private ChatClient connect(int server) {
        return cluster.connect(server);
    }

    private ChatClient login(int server, int user, String device) {
        ChatClient client = connect(server);
        JsonNode ack = client.call(loginFrame(user, device));
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return client;
    }

    private JsonNode attempt(int server, int user, String device) {
        return connect(server).call(loginFrame(user, device));
    }

    /** Until the dead server is reaped, its sessions still count: errno 2 for a few seconds. */
    private static JsonNode retryLogin(ChatClient client, int user, String device) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode ack = client.call(loginFrame(user, device));
            if (ack.path("errno").asInt() != 2 || System.nanoTime() > deadline) {
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                return ack;
            }
            client.call("{\"msgid\":12}");
            // The clean-up runs on the survivors' heartbeat; only a login can tell it is done.
            Await.pause(Duration.ofMillis(200));
        }
    }

    private static String loginFrame(int user, String device) {
        return "{\"msgid\":1,\"id\":" + user + ",\"password\":\"" + PASSWORD + "\""
                + (device == null ? "" : ",\"device\":\"" + device + "\"") + "}";
    }

    private static String chat(int to, String text) {
        return "{\"msgid\":6,\"toid\":" + to + ",\"msg\":" + ChatClient.quote(text) + "}";
    }
}
