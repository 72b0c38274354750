package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.3 devices on one server: every rule of PROTOCOL.md's "Devices", over real TCP. */
@ParameterizedClass
@EnumSource(Backend.class)
class DevicesEndToEndTest extends EndToEndTest {

    private static final int MAX_DEVICES = 3;
    private static final Duration QUIET = Duration.ofMillis(300);

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withDevices(DevicePolicy.defaults().withMaxDevices(MAX_DEVICES)), web());
    }

    @Test
    void aDeviceLoginIsAReceiptsSessionAndTheAckEchoesTheDevice() {
        TestUser carol = offlineUser("carol");
        JsonNode ack = device(carol, "laptop-1");
        assertEquals("laptop-1", ack.path("device").asText(), ack::toString);
        assertTrue(ack.path("receipts").asBoolean(false), "a device session is a receipts session, asked or not");
    }

    @Test
    void aMalformedDeviceIdIsRefused() {
        TestUser carol = offlineUser("carol");
        ChatClient client = connect();
        for (String bad : List.of("\"\"", "\"has space\"", "\"" + "x".repeat(65) + "\"", "7")) {
            JsonNode ack = client.call(loginFrame(carol.id(), bad));
            assertEquals(4, ack.path("errno").asInt(), () -> bad + " -> " + ack);
        }
    }

    @Test
    void devicesLiveSideBySideUpToTheLimitAndOneDeviceIdOnlyOnce() {
        TestUser carol = offlineUser("carol");
        device(carol, "a");
        device(carol, "b");
        assertEquals(2, connect().call(loginFrame(carol.id(), "\"a\"")).path("errno").asInt(), "the same device twice");
        device(carol, "c");
        assertEquals(2, connect().call(loginFrame(carol.id(), "\"d\"")).path("errno").asInt(), "one device past the limit");
    }

    @Test
    void aSessionWithoutDeviceStaysTheOnlyOne() {
        TestUser dave = newUser("dave"); // logged in without a device
        assertEquals(2, connect().call(loginFrame(dave.id(), "\"phone\"")).path("errno").asInt(),
                "no device beside a session without one");
        TestUser erin = offlineUser("erin");
        device(erin, "phone");
        JsonNode refused = connect().call("{\"msgid\":1,\"id\":" + erin.id() + ",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(2, refused.path("errno").asInt(), "an old client is refused while a device lives");
    }

    @Test
    void everyDeviceGetsItsOwnCopyAndConfirmsItOnItsOwn() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient phone = connect();
        ChatClient laptop = connect();
        login(phone, bob, "phone");
        login(laptop, bob, "laptop");

        JsonNode ack = alice.client().call(chat(bob.id(), "hello both"));
        assertEquals("online", ack.path("stored").asText());
        long mid = ack.path("mid").asLong();
        assertEquals(mid, phone.next(6).path("mid").asLong());
        assertEquals(mid, laptop.next(6).path("mid").asLong());

        confirm(phone, mid);
        // The laptop did not confirm: after its session ends the message waits for the laptop alone.
        laptop.close();
        phone.call("{\"msgid\":12}");
        ChatClient laptopAgain = connect();
        JsonNode again = loginRetrying(laptopAgain, bob, "laptop");
        assertEquals(List.of(mid), mids(again.path("offlinemsg")), "the unconfirmed copy comes again, to the laptop");
        assertEquals(0, phone.call("{\"msgid\":3}").path("errno").asInt());
        JsonNode phoneAgain = login(connect(), bob, "phone");
        assertEquals(List.of(), mids(phoneAgain.path("offlinemsg")), "the phone confirmed it: never again");
    }

    @Test
    void anOfflineDeviceCatchesUpAtItsNextLoginAndANewDeviceGetsNoBacklog() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient phone = connect();
        login(phone, bob, "phone");
        ChatClient tablet = connect();
        login(tablet, bob, "tablet");
        assertEquals(0, tablet.call("{\"msgid\":3}").path("errno").asInt());

        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sent.add(alice.client().call(chat(bob.id(), "while the tablet sleeps " + i)).path("mid").asLong());
        }
        for (long mid : sent) {
            assertEquals(mid, phone.next(6).path("mid").asLong(), "the phone gets them live");
        }
        confirm(phone, sent.toArray(Long[]::new));
        JsonNode tabletBack = login(connect(), bob, "tablet");
        assertEquals(sent, mids(tabletBack.path("offlinemsg")), "the tablet gets what it missed, oldest first, same mids");

        JsonNode brandNew = login(connect(), bob, "watch");
        assertEquals(List.of(), mids(brandNew.path("offlinemsg")), "a device's first login brings no backlog");
    }

    @Test
    void messagesWaitingBeforeTheFirstDeviceReachIt() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob"); // registered, never logged in
        long mid = alice.client().call(chat(bob.id(), "before any device")).path("mid").asLong();
        JsonNode first = login(connect(), bob, "phone");
        assertEquals(List.of(mid), mids(first.path("offlinemsg")), "kept for whichever session logs in first");
    }

    @Test
    void carbonsReachTheSendersOtherDevicesAsTheSameFrame() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient phone = connect();
        ChatClient laptop = connect();
        login(phone, bob, "phone");
        login(laptop, bob, "laptop");

        JsonNode ack = phone.call(chat(alice.id(), "sent from the phone"));
        JsonNode received = alice.client().next(6);
        JsonNode carbon = laptop.next(6);
        assertEquals(ack.path("mid").asLong(), carbon.path("mid").asLong());
        assertEquals(bob.id(), carbon.path("id").asInt(), "the sender is the user themself");
        assertEquals(alice.id(), carbon.path("toid").asInt(), "toid is the other user");
        assertEquals(received.path("msg").asText(), carbon.path("msg").asText());
        phone.expectNothing(QUIET); // the sending device gets only its ACK
        confirm(laptop, carbon.path("mid").asLong());

        assertEquals(0, laptop.call("{\"msgid\":3}").path("errno").asInt());
        long offlineCarbon = phone.call(chat(alice.id(), "the laptop is away")).path("mid").asLong();
        alice.client().next(6);
        JsonNode laptopBack = login(connect(), bob, "laptop");
        assertEquals(List.of(offlineCarbon), mids(laptopBack.path("offlinemsg")), "a carbon is kept for an absent device");
    }

    @Test
    void theSendersAckSaysOfflineWhenOnlyTheSendersOwnDevicesAreOnline() {
        TestUser bob = offlineUser("bob");
        TestUser carol = offlineUser("carol");
        ChatClient phone = connect();
        login(phone, bob, "phone");
        login(connect(), bob, "laptop");
        assertEquals("offline", phone.call(chat(carol.id(), "carol is away")).path("stored").asText());
    }

    @Test
    void groupMessagesReachEveryDeviceOfEveryMemberAndTheSendersOtherDevices() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient phone = connect();
        ChatClient laptop = connect();
        login(phone, bob, "phone");
        login(laptop, bob, "laptop");
        int group = alice.client().call("{\"msgid\":8,\"groupname\":\"devices-" + alice.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, phone.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        alice.client().next(17);

        JsonNode ack = alice.client().call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"hi team\"}");
        assertEquals(1, ack.path("online").asInt(), "members are counted, not devices");
        assertEquals(ack.path("mid").asLong(), phone.next(10).path("mid").asLong());
        assertEquals(ack.path("mid").asLong(), laptop.next(10).path("mid").asLong());

        JsonNode fromPhone = phone.call("{\"msgid\":10,\"groupid\":" + group + ",\"msg\":\"from bob's phone\"}");
        assertEquals(fromPhone.path("mid").asLong(), alice.client().next(10).path("mid").asLong());
        JsonNode carbon = laptop.next(10);
        assertEquals(fromPhone.path("mid").asLong(), carbon.path("mid").asLong());
        assertEquals(bob.id(), carbon.path("id").asInt());
    }

    @Test
    void aUserIsOnlineWhileAnyDeviceLives() {
        TestUser alice = newUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient phone = connect();
        login(phone, bob, "phone");
        assertEquals(0, phone.call("{\"msgid\":7,\"friendid\":" + alice.id() + "}").path("errno").asInt());
        alice.client().next(16);
        ChatClient laptop = connect();
        login(laptop, bob, "laptop");
        assertEquals(0, laptop.call("{\"msgid\":3}").path("errno").asInt());
        alice.client().expectNothing(QUIET); // neither a second "online" nor an "offline" while the phone lives
        assertEquals(0, phone.call("{\"msgid\":3}").path("errno").asInt());
        JsonNode presence = alice.client().next(14);
        assertEquals("offline", presence.path("state").asText(), "offline when the last device ends");
    }

    private JsonNode device(TestUser user, String device) {
        return login(connect(), user, device);
    }

    private static JsonNode login(ChatClient client, TestUser user, String device) {
        JsonNode ack = client.call(loginFrame(user.id(), "\"" + device + "\""));
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack;
    }

    /** A device's session ended by a dropped connection is signed out a moment later: retry errno 2 for a while. */
    private static JsonNode loginRetrying(ChatClient client, TestUser user, String device) {
        long deadline = System.nanoTime() + ChatClient.DEFAULT_WAIT.toNanos();
        while (true) {
            JsonNode ack = client.call(loginFrame(user.id(), "\"" + device + "\""));
            if (ack.path("errno").asInt() != 2 || System.nanoTime() > deadline) {
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
                return ack;
            }
            client.call("{\"msgid\":12}");
        }
    }

    private static String loginFrame(int id, String deviceJson) {
        return "{\"msgid\":1,\"id\":" + id + ",\"password\":\"" + PASSWORD + "\",\"device\":" + deviceJson + "}";
    }

    private static String chat(int to, String text) {
        return "{\"msgid\":6,\"toid\":" + to + ",\"msg\":" + ChatClient.quote(text) + "}";
    }

    private static void confirm(ChatClient client, Long... mids) {
        client.send("{\"msgid\":15,\"mids\":" + List.of(mids) + "}");
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt()); // served once its PONG is back
    }

    private static List<Long> mids(JsonNode frames) {
        List<Long> mids = new ArrayList<>();
        frames.forEach(frame -> mids.add(frame.path("mid").asLong()));
        return mids;
    }

    @Test
    void sessionsWithoutDeviceSeeNoDifference() {
        TestUser alice = newUser("alice");
        TestUser bob = newUser("bob");
        JsonNode ack = alice.client().call(chat(bob.id(), "plain"));
        assertEquals("online", ack.path("stored").asText());
        assertEquals("plain", bob.client().next(6).path("msg").asText());
        assertFalse(bob.loginAck().has("device"));
        alice.client().expectNothing(QUIET); // no carbon for a user without devices
    }
}
