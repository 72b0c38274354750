package io.loomchat.client;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.MessageType;
import io.loomchat.testing.ClusterExtension;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console client when the server refuses a RECEIPT with errno 10 ("send the receipt again"):
 * the real {@code loomchat client} process in script mode, a server in this JVM on a private
 * Redis (with its append-only file) that the test kills, and a {@link Relay} that holds the
 * client's RECEIPT back until Redis is gone, so that the server must refuse it.
 */
class ConsoleClientRefusedReceiptsTest {

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.inJvmOnPrivateRedisWithAppendOnlyFile(1);

    @Test
    void aReceiptRefusedWhileRedisIsAwayIsSentAgainOnceItIsBackAndItsMessageNeverComesAgain() {
        int aliceId = cluster.register(0, "alice");
        int bobId = cluster.register(0, "bob");
        try (Relay relay = Relay.start(cluster.port(0));
             ClientProcess alice = loggedIn("alice", cluster.port(0), aliceId);
             ClientProcess bob = loggedIn("bob", relay.port(), bobId)) {
            alice.send("addfriend " + bobId);
            alice.await(Pattern.compile("\\(" + bobId + "\\) is now your friend"));

            relay.delayClientFrames();
            alice.send("chat " + bobId + " read while Redis is away");
            bob.await(Pattern.compile("^\\[\\d\\d:\\d\\d\\] alice\\S* \\(" + aliceId + "\\): read while Redis is away$"));
            long mid = midOf(relay, "read while Redis is away");
            relay.awaitFromClient("RECEIPT of mid " + mid, frame -> confirms(frame, mid));
            cluster.redis().kill();
            relay.passClientFrames();
            relay.awaitFromServer("errno 10 for the RECEIPT", ConsoleClientRefusedReceiptsTest::isRefusal);
            cluster.redis().start(); // on its append-only file

            awaitTaken(relay, bob, mid);
            bob.close(); // killed: no last RECEIPT on the way out, the server has only what it took
            alice.await(Pattern.compile("\\(" + bobId + "\\) is now offline\\."));

            try (ClientProcess bobAgain = loggedIn("bob-again", relay.port(), bobId)) {
                bobAgain.await("No messages arrived while you were away.");
                assertEquals(0, bobAgain.awaitExit(), bobAgain.transcript());
            }
            assertEquals(1, deliveries(relay, mid), "delivered once");
        }
    }

    /**
     * Waits until the client has sent {@code mid} again in a RECEIPT that the server did not
     * refuse. The server answers a connection's frames in order and takes a RECEIPT without a
     * word, so a reply to a request sent after the RECEIPT, with no refusal before it, proves it
     * taken. Until Redis is back (the server rebuilds its view of the cluster first) the resends
     * may be refused too; each waits longer.
     */
    private static void awaitTaken(Relay relay, ClientProcess bob, long mid) {
        for (int proof = 1; ; proof++) {
            Set<String> refusedBefore = refusedSeqs(relay);
            Relay.ClientFrame resend = relay.awaitFromClient("RECEIPT of mid " + mid + " sent again",
                    frame -> frame.passed() && confirms(frame, mid)
                            && !refusedBefore.contains(frame.frame().path("seq").asText()));
            String seq = resend.frame().path("seq").asText();
            bob.send("find nobody-" + proof);
            bob.await("Nobody's name starts with nobody-" + proof + ".");
            if (!refusedSeqs(relay).contains(seq)) {
                return;
            }
            if (proof == 10) {
                fail("every RECEIPT of mid " + mid + " was refused: " + relay.fromServer());
            }
        }
    }

    private static ClientProcess loggedIn(String name, int port, int userId) {
        ClientProcess client = ClientProcess.start(name, port, PASSWORD, "--user", Integer.toString(userId));
        client.await("(id " + userId + ").");
        return client;
    }

    private static boolean isRefusal(JsonNode frame) {
        return frame.path("msgid").asInt() == MessageType.ACK.code()
                && frame.path("ack").asInt() == MessageType.RECEIPT.code() && frame.path("errno").asInt() == 10;
    }

    /** The seqs of the RECEIPTs the server refused with errno 10. */
    private static Set<String> refusedSeqs(Relay relay) {
        return relay.fromServer().stream().filter(ConsoleClientRefusedReceiptsTest::isRefusal)
                .map(frame -> frame.path("seq").asText()).collect(Collectors.toSet());
    }

    private static List<JsonNode> chats(Relay relay) {
        return relay.fromServer().stream().<JsonNode>mapMulti((frame, chats) -> {
            if (frame.path("msgid").asInt() == MessageType.LOGIN_ACK.code()) {
                frame.path("offlinemsg").forEach(chats);
            } else if (frame.path("msgid").asInt() == MessageType.ONE_CHAT.code()) {
                chats.accept(frame);
            }
        }).toList();
    }

    private static long midOf(Relay relay, String text) {
        return chats(relay).stream().filter(chat -> chat.path("msg").asText().equals(text))
                .mapToLong(chat -> chat.path("mid").asLong()).findFirst().orElseThrow();
    }

    private static long deliveries(Relay relay, long mid) {
        return chats(relay).stream().filter(chat -> chat.path("mid").asLong() == mid).count();
    }

    private static boolean confirms(Relay.ClientFrame sent, long mid) {
        JsonNode frame = sent.frame();
        return frame.path("msgid").asInt() == MessageType.RECEIPT.code()
                && StreamSupport.stream(frame.path("mids").spliterator(), false).anyMatch(m -> m.asLong() == mid);
    }
}
