package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.server.NetworkConfig;
import io.loomchat.testing.Backend;
import io.loomchat.testing.RunningServer;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The real {@code loomchat client} process, driven through its script mode, against a real
 * server. Every wait is for an expected line, with a timeout.
 */
class ConsoleClientTest {

    private static final String TIME = "^\\[\\d\\d:\\d\\d\\] ";

    @Test
    void twoClientsRegisterBefriendChatGroupChatSeePresenceAndGetOfflineMessages() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw", "--register", "bob")) {
            int aliceId = registered(alice, "alice");
            alice.await("Friends: none yet (addfriend <id> adds one).");
            alice.await("No messages arrived while you were away.");
            int bobId = registered(bob, "bob");

            alice.send("addfriend " + bobId);
            alice.await("bob (" + bobId + ") is now your friend; they are online.");
            bob.await("alice (" + aliceId + ") added you as a friend; they are online."); // 2.2 roster push
            bob.send("friends");
            bob.await("Friends: alice (" + aliceId + ", online)");
            alice.send("chat " + bobId + " hello bob");
            alice.await("Sent to bob (" + bobId + ").");
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): hello bob$"));
            bob.send("chat:" + aliceId + ":hi alice, the classic way");
            alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\): hi alice, the classic way$"));

            alice.send("creategroup team the A team");
            int groupId = Integer.parseInt(alice.await(Pattern.compile("^Created group team \\((\\d+)\\)")).group(1));
            bob.send("addgroup " + groupId);
            bob.await("Joined group team (" + groupId + ") \"the A team\": ");
            alice.await("bob (" + bobId + ") joined team (" + groupId + ")."); // 2.2 roster push
            bob.send("groupchat " + groupId + " hello team");
            bob.await("Sent to team (" + groupId + "): 1 online, 0 offline.");
            alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\) in team \\(" + groupId + "\\): hello team$"));

            bob.send("quit");
            assertEquals(0, bob.awaitExit(), bob.transcript());
            alice.await("bob (" + bobId + ") is now offline.");
            alice.send("chat " + bobId + " are you there?");
            alice.await("Sent to bob (" + bobId + "), who is offline and gets it at the next login.");
            alice.send("groupchat " + groupId + " meeting at noon");
            alice.await("Sent to team (" + groupId + "): 0 online, 1 offline.");

            try (ClientProcess bobAgain = ClientProcess.start("bob-again", server.port(), "bob-pw",
                    "--user", Integer.toString(bobId))) {
                bobAgain.await("Logged in as bob (id " + bobId + ").");
                bobAgain.await("Friends: alice (" + aliceId + ", online)");
                bobAgain.await("Group team (" + groupId + ") \"the A team\": ");
                bobAgain.await("2 messages arrived while you were away:");
                bobAgain.await("alice (" + aliceId + "): are you there?");
                bobAgain.await("alice (" + aliceId + ") in team (" + groupId + "): meeting at noon");
                alice.await("bob (" + bobId + ") is now online.");

                alice.send("loginout");
                alice.await("Logged out.");
                bobAgain.await("alice (" + aliceId + ") is now offline.");
                bobAgain.send("friends");
                bobAgain.await("Friends: alice (" + aliceId + ", offline)");
                assertEquals(0, bobAgain.awaitExit(), bobAgain.transcript());
            }
            assertEquals(0, alice.awaitExit(), alice.transcript());
        }
    }

    @Test
    void mistakesAndRefusalsAreExplainedInSentences() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess carol = ClientProcess.start("carol", server.port(), "carol-pw", "--register", "carol")) {
            int carolId = registered(carol, "carol");
            carol.send("chat 4242 hello");
            carol.await("Could not send to user 4242: no user with id 4242.");
            carol.send("groupchat 777 hi");
            carol.await("Could not send to group 777: no group with id 777.");
            carol.send("addfriend " + carolId);
            carol.await("Could not add friend " + carolId + ": you cannot add yourself as a friend.");
            carol.send("chat bob hi");
            carol.await("'bob' is not a user id; ids are whole numbers. Usage: chat <id> <text>.");
            carol.send("dance");
            carol.await("Unknown command 'dance'; type help for the list.");
            carol.send("loginout");
            carol.await("Logged out.");
            carol.send("chat " + carolId + " hi");
            carol.await("Log in first: login <id>, or register <name> to create an account.");
            carol.send("login " + carolId + " wrong-pw");
            carol.await("Could not log in as user " + carolId + ": the id or password is wrong.");
            carol.send("login " + carolId + " carol-pw");
            carol.await("Logged in as carol (id " + carolId + ").");
            carol.send("register carol other-pw");
            carol.await("Log out first (loginout), then register.");
            assertEquals(0, carol.awaitExit(), carol.transcript());
        }
    }

    @Test
    void aScriptWhoseLoginFailsExitsWithOne() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess nobody = ClientProcess.start("nobody", server.port(), "no-pw", "--user", "99")) {
            nobody.await("Could not log in as user 99: the id or password is wrong.");
            assertEquals(ConsoleClient.EXIT_LOGIN_FAILED, nobody.awaitExit(), nobody.transcript());
        }
    }

    @Test
    void clientsReconnectAndLogInAgainAfterTheServerRestarts() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw", "--register", "bob")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");
            alice.send("addfriend " + bobId);
            alice.await("bob (" + bobId + ") is now your friend");

            server.restart();

            String address = "127.0.0.1:" + server.port();
            alice.await("Lost the connection to " + address);
            alice.await("Reconnected to " + address + "; logged in again as alice (id " + aliceId + ").");
            bob.await("Reconnected to " + address + "; logged in again as bob (id " + bobId + ").");
            alice.send("chat " + bobId + " still there after the restart?");
            alice.await("Sent to bob (" + bobId + ").");
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): still there after the restart\\?$"));
        }
    }

    @Test
    void heartbeatKeepsAnIdleSessionAliveWhileASilentOneIsClosedByTheIdleTimeout() {
        // 5 s, not 2: a console client is a JVM of its own, and on a loaded box (four test JVMs and
        // Chromium on two cores) one took over 2 s from connecting to sending its REGISTER, so the
        // server rightly closed it as silent before it could register (2 of 3 full runs failed so).
        NetworkConfig impatient = RunningServer.defaultNetwork().toBuilder().idleTimeout(Duration.ofSeconds(5)).build();
        try (RunningServer server = RunningServer.start(Backend.H2, impatient);
             ClientProcess beating = ClientProcess.start("beating", server.port(), "pw",
                     "--heartbeat", "1s", "--register", "dora");
             ClientProcess silent = ClientProcess.start("silent", server.port(), "pw",
                     "--heartbeat", "1m", "--register", "erin")) {
            registered(beating, "dora");
            registered(silent, "erin");
            // The silent client is closed after five seconds of silence, twice, so the beating one
            // has by then been idle (as far as chat goes) for well over the idle timeout. Its
            // heartbeat is a fifth of the timeout, so a stall of a second or two is survived; not
            // less, since the client itself gives up after three heartbeats without an answer, and
            // on CI's loaded box a fresh client went 750 ms without its first PONG (250 ms beats).
            String lost = "Lost the connection to 127.0.0.1:" + server.port() + " (the server closed the connection)";
            silent.await(lost);
            silent.await("logged in again as erin");
            silent.await(lost);

            beating.send("friends");
            beating.await("Friends: none yet");
            assertEquals(List.of(), beating.printed("Lost the connection"), beating.transcript());
        }
    }

    /** Waits for the registration and the login after it; returns the new user's id. */
    private static int registered(ClientProcess client, String name) {
        int id = Integer.parseInt(client.await(Pattern.compile("^Registered " + name + " as user (\\d+)\\.$")).group(1));
        client.await("Logged in as " + name + " (id " + id + ").");
        return id;
    }
}
