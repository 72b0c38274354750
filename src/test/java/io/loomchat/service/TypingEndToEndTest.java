package io.loomchat.service;

import static io.loomchat.testing.ReadStateSteps.expectNone;
import static io.loomchat.testing.ReadStateSteps.loginDevice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.3 TYPING on one server, over real TCP: who sees "bob is typing", and how often. */
@ParameterizedClass
@EnumSource(Backend.class)
class TypingEndToEndTest extends EndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(400);

    @Test
    void theRecipientsDevicesSeeWhoIsTypingAndTheTypistsOwnDoNot() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient aliceLaptop = device(alice, "laptop");
        ChatClient bobPhone = device(bob, "phone");
        ChatClient bobLaptop = device(bob, "laptop");
        typing(bobPhone, "\"to\":" + alice.id());
        for (ChatClient recipient : new ChatClient[] {alicePhone, aliceLaptop}) {
            JsonNode typing = recipient.next(23);
            assertEquals(bob.id(), typing.path("id").asInt(), typing::toString);
            assertEquals(bob.name(), typing.path("name").asText());
            assertEquals(alice.id(), typing.path("to").asInt());
            assertFalse(typing.has("groupid"));
        }
        expectNone(bobLaptop, QUIET, 23);
    }

    @Test
    void moreThanOneTypingEvery3SecondsPerConversationIsDroppedSilently() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        TestUser carol = offlineUser("carol");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient carolPhone = device(carol, "phone");
        ChatClient bobPhone = device(bob, "phone");
        long firstSent = System.nanoTime();
        typing(bobPhone, "\"to\":" + alice.id());
        typing(bobPhone, "\"to\":" + alice.id()); // too soon: no reply, no notice
        typing(bobPhone, "\"to\":" + carol.id()); // another conversation has its own pace
        alicePhone.next(23);
        carolPhone.next(23);
        expectNone(alicePhone, QUIET, 23);
        // Up to the pace less its slack for late arrivals, less the time one round of this loop may take.
        long dropped = TypingPace.INTERVAL_MILLIS - TypingPace.SLACK_MILLIS - 500;
        while (System.nanoTime() - firstSent < Duration.ofMillis(dropped).toNanos()) {
            typing(bobPhone, "\"to\":" + alice.id()); // a client that ignores the pace
            expectNone(alicePhone, Duration.ofMillis(300), 23);
        }
        sleepUntil(firstSent, TypingPace.INTERVAL_MILLIS);
        typing(bobPhone, "\"to\":" + alice.id());
        assertEquals(bob.id(), alicePhone.next(23).path("id").asInt(), "3 s after the last one that went out");
    }

    @Test
    void aTypingOnPaceWhoseFormerOneArrivedLateStillGoesOut() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient bobPhone = device(bob, "phone");
        typing(bobPhone, "\"to\":" + alice.id());
        long firstArrived = System.nanoTime();
        alicePhone.next(23);
        // bob's client sent its first TYPING 600 ms before it arrived (a stalled network) and the
        // next one 3 s after that: to the server they are 2.4 s apart.
        sleepUntil(firstArrived, TypingPace.INTERVAL_MILLIS - 600);
        typing(bobPhone, "\"to\":" + alice.id());
        assertEquals(bob.id(), alicePhone.next(23).path("id").asInt(), "a client keeping the pace is not dropped");
    }

    /** Waits until {@code millisLater} after {@code fromNanos}; at once if that has passed (a negative pause does not sleep). */
    private static void sleepUntil(long fromNanos, long millisLater) {
        Await.pause(Duration.ofNanos(fromNanos + Duration.ofMillis(millisLater).toNanos() - System.nanoTime()));
    }

    @Test
    void typingNeverReaches22SessionsNorTheLegacyDialect() {
        TestUser alice = newUser("alice"); // a 2.2 client
        TestUser bob = offlineUser("bob");
        ChatClient bobPhone = device(bob, "phone");
        typing(bobPhone, "\"to\":" + alice.id());
        expectNone(alice.client(), QUIET, 23);

        TestUser carol = offlineUser("carol");
        ChatClient legacy = connect();
        legacy.sendRaw(("{\"msgid\":1,\"id\":" + carol.id() + ",\"password\":\"" + PASSWORD + "\"}\0")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(0, legacy.next(2).path("errno").asInt());
        typing(bobPhone, "\"to\":" + carol.id());
        expectNone(legacy, QUIET, 21, 22, 23);
    }

    @Test
    void inAGroupTheOtherMembersSeeItAndOnlyMembersMaySayIt() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        TestUser mallory = offlineUser("mallory");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient bobPhone = device(bob, "phone");
        ChatClient malloryPhone = device(mallory, "phone");
        int group = alicePhone.call("{\"msgid\":8,\"groupname\":\"t-" + alice.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, bobPhone.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        typing(bobPhone, "\"groupid\":" + group);
        JsonNode typing = alicePhone.next(23);
        assertEquals(group, typing.path("groupid").asInt(), typing::toString);
        assertEquals(bob.id(), typing.path("id").asInt());
        assertFalse(typing.has("to"));
        expectNone(bobPhone, QUIET, 23);
        expectNone(malloryPhone, QUIET, 23);
        assertEquals(6, malloryPhone.call("{\"msgid\":23,\"groupid\":" + group + "}").path("errno").asInt());
        assertEquals(5, malloryPhone.call("{\"msgid\":23,\"groupid\":" + (group + 999) + "}").path("errno").asInt());
        expectNone(alicePhone, QUIET, 23);
    }

    @Test
    void malformedTypingIsErrno4() {
        TestUser alice = offlineUser("alice");
        ChatClient phone = device(alice, "phone");
        assertEquals(4, phone.call("{\"msgid\":23}").path("errno").asInt());
        assertEquals(4, phone.call("{\"msgid\":23,\"to\":\"bob\"}").path("errno").asInt());
        assertEquals(4, phone.call("{\"msgid\":23,\"to\":" + alice.id() + "}").path("errno").asInt(), "oneself");
        assertEquals(4, phone.call("{\"msgid\":23,\"to\":2,\"groupid\":1}").path("errno").asInt());
    }

    /** TYPING has no reply: a PING after it proves it was served. */
    private static void typing(ChatClient client, String fields) {
        client.send("{\"msgid\":23," + fields + "}");
        JsonNode reply = client.call("{\"msgid\":12}");
        assertEquals(13, reply.path("msgid").asInt(), () -> "TYPING was refused: " + reply);
    }

    private ChatClient device(TestUser user, String device) {
        ChatClient client = connect();
        loginDevice(client, user.id(), PASSWORD, device);
        return client;
    }
}
