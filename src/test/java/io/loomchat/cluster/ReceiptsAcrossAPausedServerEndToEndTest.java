package io.loomchat.cluster;

import static io.loomchat.testing.ClusterExtension.PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Await;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ClusterExtension;
import io.loomchat.testing.ServerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Protocol 2.2's "a confirmed message is never delivered again" when a server is paused past its
 * lease (a long GC pause, a frozen VM, SIGSTOP) rather than killed: the other server takes it for
 * dead and puts back the messages its users had not confirmed; the user logs in there and
 * confirms them; then the paused server resumes, finds its session taken over, and must not
 * store those messages a second time (issue 25, third path).
 */
class ReceiptsAcrossAPausedServerEndToEndTest {

    private static final int MESSAGES = 20;
    /** The lease lasts 5 s and survivors look every second: paused this long, a server is reaped. */
    private static final Duration REAPED_WITHIN = Duration.ofSeconds(20);

    @RegisterExtension
    final ClusterExtension cluster = ClusterExtension.processes(List.of("a", "b"), false);

    @Test
    void messagesConfirmedElsewhereDoNotComeBackWhenThePausedServerResumes() throws Exception {
        int alice = cluster.register(0, "alice");
        int bob = cluster.register(1, "bob");
        ChatClient aliceOnA = cluster.connect(0);
        aliceOnA.loginWithReceipts(alice, PASSWORD);
        ChatClient bobOnB = cluster.login(1, bob);

        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            JsonNode ack = bobOnB.call("{\"msgid\":6,\"toid\":" + alice + ",\"msg\":\"before the pause " + i + "\"}");
            assertEquals("online", ack.path("stored").asText(), ack::toString);
            sent.add(ack.path("mid").asLong());
        }
        for (int i = 0; i < MESSAGES; i++) {
            aliceOnA.next(6); // read, never confirmed
        }

        ServerProcess a = cluster.processes().server(0);
        signal("STOP", a);
        List<Long> confirmed;
        try {
            Await.until(REAPED_WITHIN, "server b takes the paused server a for dead and drops alice's claim",
                    () -> cluster.nodeOf(alice) == null);
            ChatClient aliceOnB = cluster.connect(1);
            JsonNode login = aliceOnB.loginWithReceipts(alice, PASSWORD);
            confirmed = messagesOf(aliceOnB, login);
            assertEquals(sent, confirmed, "what alice had not confirmed on a, put back when a was taken for dead");
            aliceOnB.send("{\"msgid\":15,\"mids\":" + confirmed + "}");
            aliceOnB.call("{\"msgid\":12}"); // answered after the receipt before it was handled
            aliceOnB.call("{\"msgid\":3}");
        } finally {
            signal("CONT", a);
        }
        Await.until(Duration.ofSeconds(20), "server a, resumed, rebuilds its state and closes alice's old session there",
                () -> a.output().stream().anyMatch(line -> line.contains("rebuilt this server's state")));
        assertTrue(aliceOnA.closedByServer(Duration.ofSeconds(10)), "the session a held is closed");

        ChatClient aliceLater = cluster.connect(1);
        JsonNode later = aliceLater.loginWithReceipts(alice, PASSWORD);
        assertEquals(List.of(), messagesOf(aliceLater, later), "a confirmed message never comes again");
        aliceLater.expectNothing(Duration.ofMillis(500));
    }

    /** The messages of a login: those in the ack, then the pages it announced, by mid. */
    private static List<Long> messagesOf(ChatClient client, JsonNode login) {
        List<Long> mids = new ArrayList<>();
        login.path("offlinemsg").forEach(message -> mids.add(message.path("mid").asLong()));
        for (int i = login.path("pending").asInt(); i > 0; i--) {
            mids.add(client.next(6).path("mid").asLong());
        }
        return mids;
    }

    private static void signal(String signal, ServerProcess server) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), () -> "kill -" + signal + " " + server.pid());
    }
}
