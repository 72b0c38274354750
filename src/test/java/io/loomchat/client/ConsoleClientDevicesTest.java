package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Backend;
import io.loomchat.testing.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console client with protocol 2.3 devices: the real {@code loomchat client} processes in
 * script mode against a real server, each test with device files of its own.
 */
class ConsoleClientDevicesTest {

    private static final String TIME = "^\\[\\d\\d:\\d\\d\\] ";

    @Test
    void theFirstRunMakesADeviceIdKeepsItOwnerOnlyAndTheNextRunUsesItUnlessDeviceSaysOtherwise() throws IOException {
        Path config = ClientProcess.temporaryDirectory("loomchat-devices-");
        Map<String, String> environment = Map.of("XDG_CONFIG_HOME", config.toString());
        Path file = config.resolve("loomchat").resolve("device");
        try (RunningServer server = RunningServer.start(Backend.H2)) {
            String device;
            int aliceId;
            try (ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", environment,
                    "--register", "alice")) {
                aliceId = registered(alice, "alice");
                device = alice.await(Pattern.compile("^This is device (console-[a-z0-9]{12}); "
                        + "what you send from your other devices shows here too\\.$")).group(1);
                assertEquals(0, alice.awaitExit(), alice.transcript());
            }
            assertEquals(device + "\n", Files.readString(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));

            try (ClientProcess again = ClientProcess.start("alice-again", server.port(), "alice-pw", environment,
                    "--user", Integer.toString(aliceId))) {
                again.await("Logged in as alice (id " + aliceId + ").");
                again.await("This is device " + device + "; ");
                assertEquals(0, again.awaitExit(), again.transcript());
            }
            try (ClientProcess other = ClientProcess.start("alice-other", server.port(), "alice-pw", environment,
                    "--user", Integer.toString(aliceId), "--device", "work-laptop_2.0")) {
                other.await("This is device work-laptop_2.0; ");
                assertEquals(0, other.awaitExit(), other.transcript());
            }
            assertEquals(device + "\n", Files.readString(file), "--device leaves the installation's id alone");
        }
    }

    @Test
    void aBadDeviceOptionIsAUsageErrorThatNamesIt() {
        // Refused before connecting: no server needed.
        try (ClientProcess client = ClientProcess.start("bad", 1, "pw", "--user", "1", "--device", "my phone")) {
            client.await("loomchat client: --device must be 1 to 64 characters of A-Z a-z 0-9 . _ -, not 'my phone'");
            assertEquals(2, client.awaitExit(), client.transcript());
        }
        try (ClientProcess client = ClientProcess.start("both", 1, "pw", "--device", "a", "--no-device")) {
            client.await("loomchat client: give either --device or --no-device, not both");
            assertEquals(2, client.awaitExit(), client.transcript());
        }
    }

    @Test
    void aUsersTwoDevicesBothGetMessagesAndEachShowsWhatTheOtherSentAlsoAfterBeingAway() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess phone = ClientProcess.start("bob-phone", server.port(), "bob-pw",
                     "--register", "bob", "--device", "phone")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(phone, "bob");
            phone.send("addfriend " + aliceId);
            phone.await("alice (" + aliceId + ") is now your friend");
            alice.send("creategroup team");
            int groupId = Integer.parseInt(alice.await(Pattern.compile("^Created group team \\((\\d+)\\)")).group(1));
            phone.send("addgroup " + groupId);
            phone.await("Joined group team (" + groupId + ")");

            try (ClientProcess laptop = ClientProcess.start("bob-laptop", server.port(), "bob-pw",
                    "--user", Integer.toString(bobId), "--device", "laptop")) {
                laptop.await("This is device laptop; ");
                alice.send("chat " + bobId + " hello both");
                phone.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): hello both$"));
                laptop.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): hello both$"));

                phone.send("chat " + aliceId + " sent from the phone");
                phone.await("Sent to alice (" + aliceId + ").");
                alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\): sent from the phone$"));
                laptop.await(Pattern.compile(TIME + "you \\(on another device\\) to alice \\(" + aliceId
                        + "\\): sent from the phone$"));
                phone.send("groupchat " + groupId + " to the team from the phone");
                laptop.await(Pattern.compile(TIME + "you \\(on another device\\) in team \\(" + groupId
                        + "\\): to the team from the phone$"));

                // One installation's id twice: the second client is told why, and how to run it anyway.
                try (ClientProcess twin = ClientProcess.start("bob-twin", server.port(), "bob-pw",
                        "--user", Integer.toString(bobId), "--device", "laptop")) {
                    twin.await("Could not log in as user " + bobId + ": this device is logged in already.");
                    twin.await("start this one with --device <id> to make it a device of its own.");
                    assertEquals(ConsoleClient.EXIT_LOGIN_FAILED, twin.awaitExit(), twin.transcript());
                }
                laptop.send("quit");
                assertEquals(0, laptop.awaitExit(), laptop.transcript());
            }
            phone.send("chat " + aliceId + " while the laptop is away");
            phone.await("Sent to alice (" + aliceId + ").");
            try (ClientProcess laptop = ClientProcess.start("bob-laptop-again", server.port(), "bob-pw",
                    "--user", Integer.toString(bobId), "--device", "laptop")) {
                laptop.await("1 message arrived while you were away:");
                laptop.await(Pattern.compile(TIME + "you \\(on another device\\) to alice \\(" + aliceId
                        + "\\): while the laptop is away$"));
                assertEquals(0, laptop.awaitExit(), laptop.transcript());
            }
            // The carbons were confirmed like every message: the laptop's next run gets nothing again.
            try (ClientProcess laptop = ClientProcess.start("bob-laptop-third", server.port(), "bob-pw",
                    "--user", Integer.toString(bobId), "--device", "laptop")) {
                laptop.await("No messages arrived while you were away.");
                assertEquals(0, laptop.awaitExit(), laptop.transcript());
            }
            assertEquals(List.of(), phone.printed("on another device"), "the sending device shows its ACK only");
        }
    }

    @Test
    void friendsAndGroupsMadeOnOneDeviceShowOnTheOtherAtOnceAndComeIntoItsLists() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw", "--register", "bob");
             ClientProcess phone = ClientProcess.start("carol-phone", server.port(), "carol-pw",
                     "--register", "carol", "--device", "phone")) {
            int bobId = registered(bob, "bob");
            int carolId = registered(phone, "carol");
            bob.send("creategroup club");
            int club = Integer.parseInt(bob.await(Pattern.compile("^Created group club \\((\\d+)\\)")).group(1));

            try (ClientProcess laptop = ClientProcess.start("carol-laptop", server.port(), "carol-pw",
                    "--user", Integer.toString(carolId), "--device", "laptop")) {
                laptop.await("This is device laptop; ");
                phone.send("addfriend " + bobId);
                phone.await("bob (" + bobId + ") is now your friend");
                laptop.await("You (on another device) added bob (" + bobId + ") as a friend; they are online.");
                bob.await("carol (" + carolId + ") added you as a friend; they are online.");

                phone.send("creategroup team the C team");
                int team = Integer.parseInt(phone.await(Pattern.compile("^Created group team \\((\\d+)\\)")).group(1));
                laptop.await("You (on another device) created team (" + team + ").");
                phone.send("addgroup " + club);
                phone.await("Joined group club (" + club + ")");
                laptop.await("You (on another device) joined club (" + club + ").");
                bob.await("carol (" + carolId + ") joined club (" + club + ").");

                laptop.send("friends");
                laptop.await("Friends: bob (" + bobId + ", online)");
                laptop.send("groups");
                laptop.await("Group team (" + team + ") \"the C team\": carol (" + carolId + ", creator, online)");
                // Members are listed by user id, as the server keeps them.
                String bobMember = "bob (" + bobId + ", creator, online)";
                String carolMember = "carol (" + carolId + ", online)";
                laptop.await("Group club (" + club + "): "
                        + (bobId < carolId ? bobMember + ", " + carolMember : carolMember + ", " + bobMember));
                laptop.send("quit");
                assertEquals(0, laptop.awaitExit(), laptop.transcript());
            }
            assertEquals(List.of(), phone.printed("on another device"), "the device that asked shows its ACK only");
            assertEquals(List.of(), bob.printed("on another device"), bob.transcript());
        }
    }

    @Test
    void aClientWithoutDeviceIsTheUsersOnlySession() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess old = ClientProcess.start("bob-2.2", server.port(), "bob-pw", "--register", "bob",
                     "--no-device")) {
            int bobId = registered(old, "bob");
            try (ClientProcess phone = ClientProcess.start("bob-phone", server.port(), "bob-pw",
                    "--user", Integer.toString(bobId), "--device", "phone")) {
                phone.await("Could not log in as user " + bobId
                        + ": this account is logged in somewhere else; log out there first.");
                assertEquals(ConsoleClient.EXIT_LOGIN_FAILED, phone.awaitExit(), phone.transcript());
            }
            assertEquals(List.of(), old.printed("This is device"), old.transcript());
            assertEquals(0, old.awaitExit(), old.transcript());
        }
    }

    @Test
    void historyPagesBackOldestFirstAndRefusalsAreSentences() {
        try (RunningServer server = RunningServer.start(Backend.H2);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw", "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw", "--register", "bob")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");
            alice.send("addfriend " + bobId);
            alice.await("bob (" + bobId + ") is now your friend");
            bob.await("alice (" + aliceId + ") added you as a friend");
            for (int i = 1; i <= 3; i++) {
                alice.send("chat " + bobId + " from alice " + i);
                alice.await("Sent to bob (" + bobId + ").");
                bob.send("chat " + aliceId + " from bob " + i);
                bob.await("Sent to alice (" + aliceId + ").");
            }

            alice.send("history " + bobId);
            alice.await("The last 6 messages with bob (" + bobId + "), oldest first:");
            for (int i = 1; i <= 3; i++) {
                alice.await(Pattern.compile(TIME + "you to bob \\(" + bobId + "\\): from alice " + i + "$"));
                alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\): from bob " + i + "$"));
            }
            alice.await("(no older messages)");

            bob.send("history " + aliceId + " 4");
            bob.await("The last 4 messages with alice (" + aliceId + "), oldest first:");
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): from alice 2$"));
            bob.await(Pattern.compile(TIME + "you to alice \\(" + aliceId + "\\): from bob 3$"));
            String older = bob.await(Pattern.compile("^\\(older messages exist: (history " + aliceId
                    + " 4 before \\d+)\\)$")).group(1);
            bob.send(older);
            bob.await(Pattern.compile("^Before \\d+, the last 2 messages with alice"));
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): from alice 1$"));
            bob.await(Pattern.compile(TIME + "you to alice \\(" + aliceId + "\\): from bob 1$"));
            bob.await("(no older messages)");

            bob.send("creategroup team");
            int groupId = Integer.parseInt(bob.await(Pattern.compile("^Created group team \\((\\d+)\\)")).group(1));
            bob.send("groupchat " + groupId + " first in team");
            bob.await("Sent to team (" + groupId + ")");
            alice.send("ghistory " + groupId);
            alice.await("Could not show the history of group " + groupId + ": you are not a member of group "
                    + groupId + ".");
            alice.send("addgroup " + groupId);
            alice.await("Joined group team (" + groupId + ")");
            alice.send("groupchat " + groupId + " alice was here");
            alice.await("Sent to team (" + groupId + ")");
            bob.send("groupchat " + groupId + " welcome alice");
            bob.await("Sent to team (" + groupId + ")");
            bob.send("ghistory " + groupId);
            bob.await("The last 3 messages in team (" + groupId + "), oldest first:");
            bob.await(Pattern.compile(TIME + "you in team \\(" + groupId + "\\): first in team$"));
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\) in team \\(" + groupId + "\\): alice was here$"));
            bob.await(Pattern.compile(TIME + "you in team \\(" + groupId + "\\): welcome alice$"));
            bob.await("(no older messages)");

            alice.send("history 4242");
            alice.await("Could not show the history with user 4242: no user with id 4242.");
            alice.send("ghistory 4242 5");
            alice.await("Could not show the history of group 4242: no group with id 4242.");
            alice.send("history " + bobId + " 500");
            alice.await("n is 1 to 200, not 500.");
            alice.send("history " + aliceId);
            alice.await("history <id> shows your conversation with another user; " + aliceId + " is you.");
            assertEquals(0, alice.awaitExit(), alice.transcript());
        }
    }

    /** Waits for the registration and the login after it; returns the new user's id. */
    private static int registered(ClientProcess client, String name) {
        int id = Integer.parseInt(client.await(Pattern.compile("^Registered " + name + " as user (\\d+)\\.$")).group(1));
        client.await("Logged in as " + name + " (id " + id + ").");
        return id;
    }
}
