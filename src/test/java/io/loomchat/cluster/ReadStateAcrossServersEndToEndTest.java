package io.loomchat.cluster;

import static io.loomchat.testing.ReadStateSteps.chat;
import static io.loomchat.testing.ReadStateSteps.conversationWith;
import static io.loomchat.testing.ReadStateSteps.expectNone;
import static io.loomchat.testing.ReadStateSteps.groupChat;
import static io.loomchat.testing.ReadStateSteps.loginDevice;
import static io.loomchat.testing.ReadStateSteps.longs;
import static io.loomchat.testing.ReadStateSteps.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ReadStateSteps;
import io.loomchat.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protocol 2.3 read state, typing and users by name across two servers on MariaDB and Redis: a
 * user's devices on different servers, and the other user on either, see the same thing as on
 * one server; read marks are the database's, so the death of a server takes none with it.
 */
class ReadStateAcrossServersEndToEndTest {

    private static final String PASSWORD = "pw";
    private static final Duration QUIET = Duration.ofMillis(400);

    @Test
    void readsNoticesTypingAndDeliveredCrossServers() {
        try (TestCluster cluster = TestCluster.start(2);
             ChatClient alicePhone = cluster.connect(0); ChatClient aliceLaptop = cluster.connect(1);
             ChatClient bobPhone = cluster.connect(1); ChatClient carolOld = cluster.connect(0)) {
            int alice = alicePhone.register("alice", PASSWORD);
            int bob = alicePhone.register("bob", PASSWORD);
            int carol = alicePhone.register("carol", PASSWORD);
            loginDevice(alicePhone, alice, PASSWORD, "phone");
            loginDevice(aliceLaptop, alice, PASSWORD, "laptop");
            loginDevice(bobPhone, bob, PASSWORD, "phone");
            carolOld.login(carol, PASSWORD); // a 2.2 client

            long first = chat(bobPhone, alice, "one");
            long second = chat(bobPhone, alice, "two");
            JsonNode onLaptop = conversationWith(aliceLaptop, bob);
            assertEquals(2, onLaptop.path("unread").asInt(), onLaptop::toString);
            assertEquals(second, onLaptop.path("last").path("mid").asLong());

            read(alicePhone, "with", bob, first); // on server 0
            JsonNode toLaptop = aliceLaptop.next(21); // on server 1
            assertEquals(bob, toLaptop.path("with").asInt(), toLaptop::toString);
            assertEquals(first, toLaptop.path("upto").asLong());
            JsonNode toBob = bobPhone.next(21);
            assertEquals(alice, toBob.path("with").asInt());
            assertEquals(alice, toBob.path("reader").asInt());
            assertEquals(1, conversationWith(aliceLaptop, bob).path("unread").asInt(), "read on the other server at once");
            assertEquals(first, conversationWith(bobPhone, alice).path("read_by_them").asLong());

            ReadStateSteps.confirm(aliceLaptop, first, second);
            JsonNode delivered = bobPhone.next(22);
            assertEquals(alice, delivered.path("with").asInt(), delivered::toString);
            assertEquals(List.of(first, second), longs(delivered.path("mids")));

            bobPhone.send("{\"msgid\":23,\"to\":" + alice + "}");
            assertEquals(bob, alicePhone.next(23).path("id").asInt(), "typing on server 1 shows on server 0");
            assertEquals(bob, aliceLaptop.next(23).path("id").asInt());
            bobPhone.send("{\"msgid\":23,\"to\":" + carol + "}");
            long toCarol = chat(bobPhone, carol, "hi carol");
            assertEquals(toCarol, carolOld.next(6).path("mid").asLong());
            expectNone(carolOld, QUIET, 21, 22, 23);
        }
    }

    @Test
    void groupTypingAndReadMarksCrossServersAndAMarkOutlivesItsServer() {
        try (TestCluster cluster = TestCluster.start(2);
             ChatClient alicePhone = cluster.connect(0); ChatClient aliceLaptop = cluster.connect(1);
             ChatClient bobPhone = cluster.connect(1)) {
            int alice = alicePhone.register("alice", PASSWORD);
            int bob = alicePhone.register("bob", PASSWORD);
            loginDevice(alicePhone, alice, PASSWORD, "phone");
            loginDevice(aliceLaptop, alice, PASSWORD, "laptop");
            loginDevice(bobPhone, bob, PASSWORD, "phone");
            int group = bobPhone.call("{\"msgid\":8,\"groupname\":\"team\",\"groupdesc\":\"\"}").path("groupid").asInt();
            assertEquals(0, alicePhone.call("{\"msgid\":9,\"groupid\":" + group + "}").path("errno").asInt());
            bobPhone.send("{\"msgid\":23,\"groupid\":" + group + "}");
            assertEquals(group, alicePhone.next(23).path("groupid").asInt());
            long last = groupChat(bobPhone, group, "hello");
            read(alicePhone, "groupid", group, last);
            assertEquals(group, aliceLaptop.next(21).path("groupid").asInt());
            expectNone(bobPhone, QUIET, 21);

            long oneToOne = chat(bobPhone, alice, "still there?");
            read(alicePhone, "with", bob, oneToOne);
            cluster.server(0).stop(); // alice's phone's server dies with her read mark just made
            JsonNode list = ReadStateSteps.conversations(aliceLaptop);
            assertEquals(0, list.get(0).path("unread").asInt(), list::toString);
            assertEquals(0, list.get(1).path("unread").asInt(), list::toString);
            assertEquals(oneToOne, conversationWith(bobPhone, alice).path("read_by_them").asLong());
        }
    }

    @Test
    void aUserRegisteredOnOneServerLogsInByNameAndIsFoundOnTheOther() {
        try (TestCluster cluster = TestCluster.start(2);
             ChatClient first = cluster.connect(0); ChatClient second = cluster.connect(1)) {
            int dana = first.register("Dana Scully", PASSWORD);
            JsonNode ack = second.call("{\"msgid\":1,\"name\":\"Dana Scully\",\"password\":\"" + PASSWORD + "\"}");
            assertEquals(dana, ack.path("id").asInt(), ack::toString);
            JsonNode found = second.call("{\"msgid\":24,\"name\":\"dana\"}");
            assertEquals(dana, found.path("users").get(0).path("id").asInt(), found::toString);
            assertEquals("online", found.path("users").get(0).path("state").asText());
            assertEquals(1, first.call("{\"msgid\":1,\"name\":\"dana\",\"password\":\"" + PASSWORD + "\"}")
                    .path("errno").asInt(), "a name that is only the start of one is unknown");
        }
    }
}
