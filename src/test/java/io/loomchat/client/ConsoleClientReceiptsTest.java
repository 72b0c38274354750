package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.MessageType;
import io.loomchat.testing.Backend;
import io.loomchat.testing.RunningServer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The console client with protocol 2.2 delivery receipts: the real {@code loomchat client}
 * process in script mode, a real server, and between them a {@link Relay} that sees every frame
 * and drops the connection when the test says so.
 */
class ConsoleClientReceiptsTest {

    @Test
    void acrossAReconnectEveryMessageIsPrintedOnceAlsoTheOnesTheServerDeliversAgain() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             Relay relay = Relay.start(server.port());
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", relay.port(), "bob-pw", "--register", "bob")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");
            assertTrue(lastLoginAck(relay).path("receipts").booleanValue(), "the server granted receipts");
            alice.send("addfriend " + bobId);
            alice.await("bob (" + bobId + ") is now your friend");

            chat(alice, bob, bobId, "one");
            chat(alice, bob, bobId, "two");
            long one = midOf(relay, "one");
            long two = midOf(relay, "two");
            awaitConfirmed(relay, true, one, two);

            // Bob reads "three" but the RECEIPT for it never arrives: the server must deliver it again.
            relay.holdClientFrames();
            chat(alice, bob, bobId, "three");
            long three = midOf(relay, "three");
            awaitConfirmed(relay, false, three);
            relay.cut();

            bob.await("Lost the connection to 127.0.0.1:" + relay.port());
            alice.await("bob (" + bobId + ") is now offline.");
            alice.send("chat " + bobId + " four");
            alice.await("Sent to bob (" + bobId + "), who is offline and gets it at the next login.");
            alice.send("chat " + bobId + " five");
            alice.await("Sent to bob (" + bobId + "), who is offline and gets it at the next login.");

            bob.await("Reconnected to 127.0.0.1:" + relay.port() + "; logged in again as bob (id " + bobId + ").");
            bob.await(Pattern.compile("alice \\(" + aliceId + "\\): five$"));
            assertEquals(2, deliveries(relay, three), "the server delivered three again after the reconnect");
            // The repeat is confirmed again, as are the messages that waited offline.
            awaitConfirmed(relay, true, three, midOf(relay, "four"), midOf(relay, "five"));
            // One more command and its answer: whatever bob was going to print by now, he has.
            bob.send("friends");
            bob.await("Friends: alice (" + aliceId + ", online)");

            for (String text : List.of("one", "two", "three", "four", "five")) {
                assertEquals(1, bob.printed("alice (" + aliceId + "): " + text).size(),
                        "printed once: " + text + "\n" + bob.transcript());
            }
        }
    }

    @Test
    void whatAScriptPrintedBeforeQuitIsConfirmedAndNotDeliveredAgainAtTheNextLogin() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             Relay relay = Relay.start(server.port());
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", relay.port(), "bob-pw", "--register", "bob")) {
            registered(alice, "alice");
            int bobId = registered(bob, "bob");

            chat(alice, bob, bobId, "just before quit");
            bob.send("quit");
            assertEquals(0, bob.awaitExit(), bob.transcript());
            awaitConfirmed(relay, true, midOf(relay, "just before quit"));

            try (ClientProcess bobAgain = ClientProcess.start("bob-again", relay.port(), "bob-pw",
                    "--user", Integer.toString(bobId))) {
                bobAgain.await("Logged in as bob (id " + bobId + ").");
                bobAgain.await("No messages arrived while you were away.");
                assertEquals(0, bobAgain.awaitExit(), bobAgain.transcript());
            }
            assertEquals(1, deliveries(relay, midOf(relay, "just before quit")), "delivered once");
        }
    }

    @Test
    void loginoutIsSentOnlyAfterTheReceiptOfEverythingPrinted() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             Relay relay = Relay.start(server.port());
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", relay.port(), "bob-pw", "--register", "bob")) {
            registered(alice, "alice");
            int bobId = registered(bob, "bob");

            chat(alice, bob, bobId, "just before loginout");
            bob.send("loginout");
            bob.await("Logged out.");
            long mid = midOf(relay, "just before loginout");
            List<Relay.ClientFrame> sent = relay.fromClient();
            int logout = sent.stream().map(frame -> frame.frame().path("msgid").asInt()).toList()
                    .indexOf(MessageType.LOGOUT.code());
            assertTrue(sent.subList(0, logout).stream().anyMatch(frame -> confirms(frame, mid)),
                    "confirmed before LOGINOUT: " + sent);

            bob.send("login " + bobId + " bob-pw");
            bob.await("Logged in as bob (id " + bobId + ").");
            bob.await("No messages arrived while you were away.");
            assertEquals(1, deliveries(relay, mid), "delivered once");
        }
    }

    /** Alice sends {@code text} to bob, who is online, and bob prints it. */
    private static void chat(ClientProcess alice, ClientProcess bob, int bobId, String text) {
        alice.send("chat " + bobId + " " + text);
        // "bob (2)" to a friend, "user 2" otherwise; either way online, so no "who is offline".
        alice.await(Pattern.compile("^Sent to (bob \\(" + bobId + "\\)|user " + bobId + ")\\.$"));
        bob.await(Pattern.compile("^\\[\\d\\d:\\d\\d\\] alice \\(\\d+\\): " + Pattern.quote(text) + "$"));
    }

    /** Waits for the registration and the login after it; returns the new user's id. */
    private static int registered(ClientProcess client, String name) {
        int id = Integer.parseInt(client.await(Pattern.compile("^Registered " + name + " as user (\\d+)\\.$")).group(1));
        client.await("Logged in as " + name + " (id " + id + ").");
        return id;
    }

    private static JsonNode lastLoginAck(Relay relay) {
        return relay.fromServer().stream().filter(frame -> frame.path("msgid").asInt() == MessageType.LOGIN_ACK.code())
                .reduce((first, second) -> second).orElseThrow();
    }

    /** Every chat frame the server sent through the relay, live or in a login ack. */
    private static List<JsonNode> chats(Relay relay) {
        List<JsonNode> chats = new ArrayList<>();
        for (JsonNode frame : relay.fromServer()) {
            if (frame.path("msgid").asInt() == MessageType.LOGIN_ACK.code()) {
                frame.path("offlinemsg").forEach(chats::add);
            } else if (frame.path("msgid").asInt() == MessageType.ONE_CHAT.code()) {
                chats.add(frame);
            }
        }
        return chats;
    }

    private static long midOf(Relay relay, String text) {
        return chats(relay).stream().filter(chat -> chat.path("msg").asText().equals(text))
                .mapToLong(chat -> chat.path("mid").asLong()).findFirst().orElseThrow();
    }

    private static long deliveries(Relay relay, long mid) {
        return chats(relay).stream().filter(chat -> chat.path("mid").asLong() == mid).count();
    }

    /** Waits until each of {@code mids} was in a RECEIPT that the relay passed on, or held. */
    private static void awaitConfirmed(Relay relay, boolean passed, long... mids) {
        for (long mid : mids) {
            relay.awaitFromClient((passed ? "" : "held ") + "RECEIPT of mid " + mid,
                    frame -> frame.passed() == passed && confirms(frame, mid));
        }
    }

    /** Whether the frame is a RECEIPT holding every one of {@code mids}. */
    private static boolean confirms(Relay.ClientFrame sent, long... mids) {
        JsonNode frame = sent.frame();
        if (frame.path("msgid").asInt() != MessageType.RECEIPT.code()) {
            return false;
        }
        List<Long> confirmed = StreamSupport.stream(frame.path("mids").spliterator(), false)
                .map(JsonNode::asLong).toList();
        for (long mid : mids) {
            if (!confirmed.contains(mid)) {
                return false;
            }
        }
        return true;
    }
}
