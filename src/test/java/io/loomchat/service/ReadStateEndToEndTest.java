package io.loomchat.service;

import static io.loomchat.testing.ReadStateSteps.chat;
import static io.loomchat.testing.ReadStateSteps.confirm;
import static io.loomchat.testing.ReadStateSteps.conversationWith;
import static io.loomchat.testing.ReadStateSteps.conversations;
import static io.loomchat.testing.ReadStateSteps.expectNone;
import static io.loomchat.testing.ReadStateSteps.groupChat;
import static io.loomchat.testing.ReadStateSteps.loginDevice;
import static io.loomchat.testing.ReadStateSteps.longs;
import static io.loomchat.testing.ReadStateSteps.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Protocol 2.3 "Conversations and read state" on one server, over real TCP, on both databases:
 * what each user's clients see of CONVERSATIONS, READ, READ_NOTICE and DELIVERED.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ReadStateEndToEndTest extends EndToEndTest {

    private static final Duration QUIET = Duration.ofMillis(400);

    @Test
    void conversationsComeMostRecentFirstWithTheLastMessageAndWhatIsUnread() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        TestUser carol = offlineUser("carol");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient bobPhone = device(bob, "phone");
        ChatClient carolPhone = device(carol, "phone");
        int group = alicePhone.call("{\"msgid\":8,\"groupname\":\"team-" + alice.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, carolPhone.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());

        chat(alicePhone, bob.id(), "hi bob");
        chat(bobPhone, alice.id(), "hi alice");
        long fromBob = chat(bobPhone, alice.id(), "how are you?");
        groupChat(carolPhone, group, "hello team");
        long fromCarol = chat(carolPhone, alice.id(), "psst");

        JsonNode list = conversations(alicePhone);
        assertEquals(3, list.size(), list::toString);
        JsonNode newest = list.get(0);
        assertEquals(carol.id(), newest.path("with").asInt(), "the most recently active first: " + list);
        assertEquals(carol.name(), newest.path("name").asText());
        assertEquals(fromCarol, newest.path("last").path("mid").asLong());
        assertEquals("psst", newest.path("last").path("msg").asText());
        assertEquals(6, newest.path("last").path("msgid").asInt(), "last is a delivered frame");
        assertEquals(1, newest.path("unread").asInt());
        assertEquals(0, newest.path("read_by_them").asLong());

        JsonNode team = list.get(1);
        assertEquals(group, team.path("groupid").asInt(), list::toString);
        assertEquals("team-" + alice.id(), team.path("groupname").asText());
        assertEquals("hello team", team.path("last").path("msg").asText());
        assertEquals(1, team.path("unread").asInt());
        assertFalse(team.has("read_by_them"), "read_by_them is for one-to-one only");

        JsonNode withBob = list.get(2);
        assertEquals(bob.id(), withBob.path("with").asInt());
        assertEquals(fromBob, withBob.path("last").path("mid").asLong());
        assertEquals(2, withBob.path("unread").asInt(), "bob's two messages; alice's own are never unread");

        JsonNode bobsView = conversationWith(bobPhone, alice.id());
        assertEquals(1, bobsView.path("unread").asInt(), "the same conversation, counted for bob");
        assertEquals(1, alicePhone.call("{\"msgid\":19,\"limit\":1}").path("conversations").size(), "limit");
    }

    @Test
    void aReadClearsTheUnreadCountOnEveryDeviceAndShowsTheOtherUserHowFarItWasRead() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient aliceLaptop = device(alice, "laptop");
        ChatClient bobPhone = device(bob, "phone");
        long first = chat(bobPhone, alice.id(), "one");
        long second = chat(bobPhone, alice.id(), "two");
        assertEquals(2, conversationWith(aliceLaptop, bob.id()).path("unread").asInt());

        read(alicePhone, "with", bob.id(), first);
        JsonNode onLaptop = aliceLaptop.next(21);
        assertEquals(bob.id(), onLaptop.path("with").asInt(), onLaptop::toString);
        assertEquals(alice.id(), onLaptop.path("reader").asInt());
        assertEquals(first, onLaptop.path("upto").asLong());
        JsonNode toBob = bobPhone.next(21);
        assertEquals(alice.id(), toBob.path("with").asInt(), "the other user learns whose read it is: " + toBob);
        assertEquals(alice.id(), toBob.path("reader").asInt());
        assertEquals(first, toBob.path("upto").asLong());
        expectNone(alicePhone, QUIET, 21); // the reader's own session knew

        assertEquals(1, conversationWith(aliceLaptop, bob.id()).path("unread").asInt());
        assertEquals(first, conversationWith(bobPhone, alice.id()).path("read_by_them").asLong());
        read(aliceLaptop, "with", bob.id(), second);
        assertEquals(second, alicePhone.next(21).path("upto").asLong());
        assertEquals(0, conversationWith(alicePhone, bob.id()).path("unread").asInt());
        assertEquals(second, conversationWith(bobPhone, alice.id()).path("read_by_them").asLong());
    }

    @Test
    void aReadMarkNeverMovesBackwards() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient bobPhone = device(bob, "phone");
        List<Long> mids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            mids.add(chat(bobPhone, alice.id(), "m" + i));
        }
        read(alicePhone, "with", bob.id(), mids.get(2));
        assertEquals(mids.get(2), bobPhone.next(21).path("upto").asLong());
        read(alicePhone, "with", bob.id(), mids.get(0)); // a late READ from a slower device
        read(alicePhone, "with", bob.id(), mids.get(2)); // and a repeat
        expectNone(bobPhone, QUIET, 21); // nothing moved, nobody is told
        assertEquals(1, conversationWith(alicePhone, bob.id()).path("unread").asInt());
        assertEquals(mids.get(2), conversationWith(bobPhone, alice.id()).path("read_by_them").asLong());
    }

    @Test
    void groupReadMarksGoToTheReadersOwnSessionsOnly() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient aliceLaptop = device(alice, "laptop");
        ChatClient bobPhone = device(bob, "phone");
        int group = bobPhone.call("{\"msgid\":8,\"groupname\":\"g-" + bob.id() + "\",\"groupdesc\":\"\"}")
                .path("groupid").asInt();
        assertEquals(0, alicePhone.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
        groupChat(bobPhone, group, "a");
        long last = groupChat(bobPhone, group, "b");
        assertEquals(2, conversations(aliceLaptop).get(0).path("unread").asInt());
        read(alicePhone, "groupid", group, last);
        JsonNode notice = aliceLaptop.next(21);
        assertEquals(group, notice.path("groupid").asInt(), notice::toString);
        assertEquals(alice.id(), notice.path("reader").asInt());
        assertEquals(last, notice.path("upto").asLong());
        assertEquals(0, conversations(aliceLaptop).get(0).path("unread").asInt());
        expectNone(bobPhone, QUIET, 21);
    }

    @Test
    void readNoticesNeverReach22Sessions() {
        TestUser alice = offlineUser("alice");
        TestUser bob = newUser("bob"); // a 2.2 client: no device
        ChatClient alicePhone = device(alice, "phone");
        long mid = chat(bob.client(), alice.id(), "hi");
        read(alicePhone, "with", bob.id(), mid);
        chat(alicePhone, bob.id(), "hello");
        JsonNode next = bob.client().next(6);
        assertEquals("hello", next.path("msg").asText(), "the chat frame comes, and nothing of 2.3 before it");
        expectNone(bob.client(), QUIET, 21, 22, 23);
        assertEquals(mid, conversationWith(bob.client(), alice.id()).path("read_by_them").asLong(),
                "CONVERSATIONS still tells a 2.2 client");
    }

    @Test
    void aDevicesReceiptTellsTheSenderItWasDeliveredOncePerReceipt() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        ChatClient aliceLaptop = device(alice, "laptop");
        ChatClient bobPhone = device(bob, "phone");
        long one = chat(alicePhone, bob.id(), "one");
        long two = chat(alicePhone, bob.id(), "two");
        assertEquals(one, bobPhone.next(6).path("mid").asLong());
        assertEquals(two, bobPhone.next(6).path("mid").asLong());
        confirm(bobPhone, one, two);
        for (ChatClient sender : List.of(alicePhone, aliceLaptop)) {
            JsonNode delivered = sender.next(22);
            assertEquals(bob.id(), delivered.path("with").asInt(), delivered::toString);
            assertEquals(List.of(one, two), longs(delivered.path("mids")), "one frame for the whole receipt");
        }
        // The laptop's carbons are alice's own messages: confirming them tells nobody anything.
        assertEquals(one, aliceLaptop.next(6).path("mid").asLong());
        assertEquals(two, aliceLaptop.next(6).path("mid").asLong());
        confirm(aliceLaptop, one, two);
        confirm(bobPhone, one, two); // already confirmed: no second notice
        expectNone(alicePhone, QUIET, 22);
        expectNone(bobPhone, QUIET, 22);
    }

    @Test
    void messagesKeptForAnOfflineDeviceAreReportedDeliveredWhenItConfirmsThemAfterItsLogin() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient bobPhone = device(bob, "phone");
        bobPhone.close(); // bob's phone is known now, and offline
        ChatClient alicePhone = device(alice, "phone");
        long mid = chat(alicePhone, bob.id(), "while you were out");
        ChatClient again = connect();
        JsonNode ack = loginDevice(again, bob.id(), PASSWORD, "phone");
        assertEquals(mid, ack.path("offlinemsg").get(0).path("mid").asLong(), ack::toString);
        confirm(again, mid);
        JsonNode delivered = alicePhone.next(22);
        assertEquals(List.of(mid), longs(delivered.path("mids")));
    }

    @Test
    void badReadsAndConversationRequestsAreRefused() {
        TestUser alice = offlineUser("alice");
        TestUser bob = offlineUser("bob");
        ChatClient alicePhone = device(alice, "phone");
        assertEquals(4, errno(alicePhone, "{\"msgid\":20,\"with\":" + bob.id() + "}"), "no upto");
        assertEquals(4, errno(alicePhone, "{\"msgid\":20,\"with\":" + bob.id() + ",\"upto\":\"x\"}"));
        assertEquals(4, errno(alicePhone, "{\"msgid\":20,\"upto\":5}"), "no conversation");
        assertEquals(4, errno(alicePhone, "{\"msgid\":20,\"with\":" + bob.id() + ",\"groupid\":1,\"upto\":5}"));
        assertEquals(4, errno(alicePhone, "{\"msgid\":20,\"with\":" + alice.id() + ",\"upto\":5}"), "oneself");
        assertEquals(5, errno(alicePhone, "{\"msgid\":20,\"groupid\":999999,\"upto\":5}"));
        assertEquals(4, errno(alicePhone, "{\"msgid\":19,\"limit\":0}"));
        assertEquals(4, errno(alicePhone, "{\"msgid\":19,\"limit\":201}"));
        assertEquals(4, errno(alicePhone, "{\"msgid\":21,\"with\":1}"), "a server-only type");
        assertEquals(4, errno(alicePhone, "{\"msgid\":22}"), "a server-only type");
        assertEquals(3, connect().call("{\"msgid\":19}").path("errno").asInt(), "not logged in");
        assertTrue(conversations(alicePhone).isEmpty(), "no history, no conversations");
    }

    private ChatClient device(TestUser user, String device) {
        ChatClient client = connect();
        loginDevice(client, user.id(), PASSWORD, device);
        return client;
    }

    private static int errno(ChatClient client, String frame) {
        return client.call(frame).path("errno").asInt();
    }
}
