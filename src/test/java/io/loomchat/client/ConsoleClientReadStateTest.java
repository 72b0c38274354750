package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ReadStateSteps;
import io.loomchat.testing.RunningServer;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console client with protocol 2.3 read state and users by name: real {@code loomchat client}
 * processes in script mode against a real server, reading what a person would read.
 */
class ConsoleClientReadStateTest {

    private static final String TIME = "\\[\\d\\d:\\d\\d\\] ";

    @Test
    void unreadListsConversationsHistoryMarksThemReadAndOnlyAClientThatAskedShowsNotices() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw",
                     "--register", "alice", "--device", "alice-console", "--notices");
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw",
                     "--register", "bob", "--device", "bob-console")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");

            bob.send("find ALI");
            bob.await("Found: alice (" + aliceId + ", online). addfriend <id> adds one.");
            bob.send("chat " + aliceId + " first");
            bob.await("Sent to ");
            bob.send("chat " + aliceId + " second");
            bob.await("Sent to ");

            alice.await("bob (" + bobId + "): second");
            alice.send("unread");
            alice.await(Pattern.compile("^bob \\(" + bobId + "\\): 2 unread, last " + TIME + "bob \\(" + bobId
                    + "\\): second$"));
            alice.send("history " + bobId);
            alice.await("bob (" + bobId + "): second");
            alice.send("unread");
            alice.await("bob (" + bobId + "): nothing unread, last ");

            alice.send("chat " + bobId + " got them");
            alice.await("Sent to ");
            bob.await("alice (" + aliceId + "): got them");
            bob.send("history " + aliceId);
            bob.await("got them");
            alice.await("bob (" + bobId + ") read your messages.");
            alice.send("unread");
            alice.await(Pattern.compile("^bob \\(" + bobId + "\\): nothing unread, last " + TIME + "you to bob \\("
                    + bobId + "\\): got them \\(read\\)$"));

            try (ChatClient bobsOtherDevice = server.connect()) {
                ReadStateSteps.loginDevice(bobsOtherDevice, bobId, "bob-pw", "raw");
                bobsOtherDevice.send("{\"msgid\":23,\"to\":" + aliceId + "}");
                alice.await("bob (" + bobId + ") is typing...");
            }
            bob.send("friends");
            bob.await("Friends:");
            assertEquals(List.of(), bob.printed("read your messages"), "a script shows no notices unless asked");
            assertEquals(List.of(), bob.printed("is typing"));
            assertEquals(0, alice.awaitExit(), alice.transcript());
            assertEquals(0, bob.awaitExit(), bob.transcript());
        }
    }

    @Test
    void loginByNameAndAnUnknownNameSaysTheNameOrPasswordIsWrong() {
        try (RunningServer server = RunningServer.start(Backend.H2)) {
            try (ClientProcess first = ClientProcess.start("carol", server.port(), "carol-pw",
                    "--register", "carol", "--device", "one")) {
                registered(first, "carol");
                assertEquals(0, first.awaitExit(), first.transcript());
            }
            try (ClientProcess again = ClientProcess.start("carol-again", server.port(), "carol-pw",
                    "--device", "two")) {
                again.send("login nobody-by-that-name");
                again.await("Could not log in as nobody-by-that-name: the id or password is wrong.");
                again.send("login carol");
                again.await(Pattern.compile("^Logged in as carol \\(id \\d+\\)\\.$"));
                again.send("unread");
                again.await("No conversations yet.");
                assertEquals(0, again.awaitExit(), again.transcript());
            }
        }
    }

    /** Waits for the registration and the login after it; returns the new user's id. */
    private static int registered(ClientProcess client, String name) {
        int id = Integer.parseInt(client.await(Pattern.compile("^Registered " + name + " as user (\\d+)\\.$")).group(1));
        client.await("Logged in as " + name + " (id " + id + ").");
        return id;
    }
}
