package io.loomchat.web;

import static io.loomchat.web.WebCluster.closing;
import static io.loomchat.web.WebCluster.pageOf;
import static io.loomchat.web.WebCluster.serverOf;
import static io.loomchat.web.WebCluster.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Browser;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Roster pushes from a user's other device in real headless Chromium: alice's laptop and phone
 * (two browser profiles, two devices) on the two servers of a cluster behind nginx, bob on the
 * console protocol. A friend she adds and groups she creates or joins on the phone come into the
 * laptop's list at once, in words that say she did it; the phone shows only its own outcome.
 */
class BrowserRosterPushesEndToEndTest {

    private static final String PASSWORD = "correct horse";
    private static final String ELSEWHERE = "You (on another device)";

    @TempDir
    Path certificates;

    @Test
    void friendsAndGroupsMadeOnThePhoneComeIntoTheLaptopsListAtOnce() throws Exception {
        TestCertificates tls = TestCertificates.forLocalhost(certificates);
        CompletableFuture<ProcessCluster> starting = CompletableFuture.supplyAsync(
                () -> ProcessCluster.startBehindNginxWithWeb(List.of("roster-a", "roster-b"), tls));
        try (AutoCloseable stopsTheCluster = closing(starting);
             Browser laptopBrowser = Browser.start("alice's laptop", 1280, 800, tls.ca());
             Browser phoneBrowser = Browser.start("alice's phone", 1280, 800, tls.ca())) {
            rosterFromThePhone(started(starting), tls, laptopBrowser, phoneBrowser);
        }
    }

    private static void rosterFromThePhone(ProcessCluster cluster, TestCertificates tls, Browser laptopBrowser,
                                           Browser phoneBrowser) {
        ChatPage laptop = new ChatPage(laptopBrowser).open(pageOf(cluster));
        int aliceId = laptop.register("alice", PASSWORD);
        int laptopServer = serverOf(cluster, aliceId, laptop.deviceId());
        // nginx balances by open connections: the phone, opened once the laptop's WebSocket is up,
        // lands on the other server.
        ChatPage phone = new ChatPage(phoneBrowser).open(pageOf(cluster));
        phone.logIn("alice", PASSWORD);
        assertNotEquals(laptopServer, serverOf(cluster, aliceId, phone.deviceId()), "nginx put both devices on one server");

        try (ChatClient bob = ChatClient.connectTls("127.0.0.1", cluster.nginxPort(), tls.clientContext())) {
            int bobId = bob.register("bob", PASSWORD);
            bob.login(bobId, PASSWORD);
            int club = bob.call("{\"msgid\":8,\"groupname\":\"club\",\"groupdesc\":\"\"}").path("groupid").asInt();

            assertTrue(phone.addFriend("bob").contains("bob (" + bobId + ") is now your friend"));
            laptop.awaitToast(ELSEWHERE + " added bob (" + bobId + ") as a friend; they are online.");
            laptop.entry("user:" + bobId);
            assertEquals(aliceId, bob.next(16).path("friend").path("id").asInt(), "bob is told as before");

            int team = phone.createGroup("team", "the A team");
            laptop.awaitToast(ELSEWHERE + " created team (" + team + ").");
            laptop.entry("group:" + team);

            assertTrue(phone.joinGroup(club).contains("You joined club (" + club + ")"));
            laptop.awaitToast(ELSEWHERE + " joined club (" + club + ").");
            laptop.openConversation("group:" + club);
            laptop.awaitEvent(ELSEWHERE + " joined club (" + club + ").");
            laptopBrowser.screenshot("BrowserRosterPushesEndToEndTest", "joined-on-another-device");

            assertEquals(Boolean.FALSE, phone.script("return document.body.innerText.includes(arguments[0])", ELSEWHERE),
                    "the phone did it itself: its outcome says so, and nothing came back to it");
        }
    }
}
