package io.loomchat.web;

import static io.loomchat.web.WebCluster.closing;
import static io.loomchat.web.WebCluster.pageOf;
import static io.loomchat.web.WebCluster.serverOf;
import static io.loomchat.web.WebCluster.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * The browser client in a real headless Chromium, as two people use it, with a third on the
 * console protocol over TCP: two real server processes (alice on one, bob on the other) behind
 * nginx, which terminates TLS on both sides with a private CA's certificate. The browsers trust
 * that CA as a user who imported it would, so the page comes over https and chats over wss with
 * every certificate check on; the console user speaks TLS to nginx's stream side. Registering, adding a friend, chatting both ways and in a
 * group, a message that looks like HTML, a phone-width screen, the death of alice's server
 * ({@code kill -9}) and a reload: after each, everything shows, and shows once.
 */
class BrowserClientEndToEndTest {

    private static final String PASSWORD = "correct horse";
    private static final String SCREENSHOTS = "BrowserClientEndToEndTest";
    /** Would set a global if the page ever inserted the message as HTML. */
    private static final String XSS = "<img src=x onerror=\"window.xssRan=1\"><b>not bold</b>";

    @TempDir
    Path certificates;

    @Test
    void twoBrowsersAndAConsoleUserChatAcrossTwoServersAndThePageOutlivesItsServer() throws Exception {
        TestCertificates tls = TestCertificates.forLocalhost(certificates);
        // The servers and the browsers take seconds each to start; they start side by side.
        CompletableFuture<ProcessCluster> starting = CompletableFuture.supplyAsync(
                () -> ProcessCluster.startBehindNginxWithWeb(List.of("web-a", "web-b"), tls));
        try (AutoCloseable stopsTheCluster = closing(starting);
             Browser aliceBrowser = Browser.start("alice", 1280, 800, tls.ca());
             Browser bobBrowser = Browser.start("bob", 1280, 800, tls.ca())) {
            chat(started(starting), tls, aliceBrowser, bobBrowser);
        }
    }

    private void chat(ProcessCluster cluster, TestCertificates tls, Browser aliceBrowser, Browser bobBrowser) {
        // Everyone goes through nginx, as users would: the page and /ws on its https side, the
        // console user on its TLS stream side. nginx balances by open connections, so bob's page,
        // opened once alice's WebSocket is up, lands on the other server.
        ChatPage alice = new ChatPage(aliceBrowser).open(pageOf(cluster));
        aliceBrowser.screenshot(SCREENSHOTS, "welcome");
        int aliceId = alice.register("alice", PASSWORD);
        int aliceServer = serverOf(cluster, aliceId);
        ChatPage bob = new ChatPage(bobBrowser).open(pageOf(cluster));
        int bobId = bob.register("bob", PASSWORD);
        int bobServer = serverOf(cluster, bobId);
        assertNotEquals(aliceServer, bobServer, "nginx put both pages on one server");
        // The page came over https, so its WebSocket can only be wss (the browser blocks ws from it).
        assertEquals("https:", alice.script("return location.protocol"));
        assertEquals(Boolean.TRUE, alice.script("return window.isSecureContext"));
        try (ChatClient carol = ChatClient.connectTls("127.0.0.1", cluster.nginxPort(), tls.clientContext())) {
            int carolId = carol.register("carol", PASSWORD);
            carol.login(carolId, PASSWORD);
            String bobKey = "user:" + bobId;
            String aliceKey = "user:" + aliceId;

            // alice adds bob: both lists are right at once, and bob's page says who added him.
            assertTrue(alice.addFriend("bob").contains("bob (" + bobId + ") is now your friend"));
            bob.awaitToast("alice (" + aliceId + ") added you as a friend");
            assertTrue(bob.entry(aliceKey).contains("alice"));
            bob.awaitPresence(aliceId, true);
            alice.awaitPresence(bobId, true);

            // One to one, both ways; bob sees an unread count until he opens the conversation.
            alice.openConversation(bobKey);
            alice.sendAndConfirm("Hi bob, this is alice");
            bob.awaitUnread(aliceKey, 1);
            assertTrue(bob.title().startsWith("(1)"), bob.title());
            bob.openConversation(aliceKey);
            bob.awaitMessage("Hi bob, this is alice");
            assertEquals(0, bob.unread(aliceKey));
            bob.awaitEvent("added you as a friend");
            bob.sendAndConfirm("Hello alice!\nTwo lines, sent with Enter");
            alice.awaitMessage("Hello alice!\nTwo lines, sent with Enter");

            // A group with both browsers and the console user in it.
            int groupId = alice.createGroup("team", "the A team");
            String groupKey = "group:" + groupId;
            assertTrue(bob.joinGroup(groupId).contains("You joined team (" + groupId + ")"));
            alice.openConversation(groupKey);
            alice.awaitEvent("bob (" + bobId + ") joined team (" + groupId + ")");
            JsonNode joined = carol.call("{\"msgid\":9,\"groupid\":" + groupId + "}");
            assertEquals(0, joined.path("errno").asInt(), joined::toString);
            alice.awaitEvent("carol (" + carolId + ") joined team (" + groupId + ")");

            alice.sendAndConfirm("Standup at 10");
            assertEquals("Standup at 10", carol.next(10).path("msg").asText());
            bob.openConversation(groupKey);
            bob.awaitMessage("Standup at 10");
            carol.call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"I'll bring coffee\"}");
            alice.awaitMessage("I'll bring coffee");
            bob.awaitMessage("I'll bring coffee");
            bob.sendAndConfirm("See you there");
            alice.awaitMessage("See you there");
            assertEquals("See you there", carol.next(10).path("msg").asText());

            // Someone who is no friend writes, in text that looks like HTML: a conversation of its
            // own appears with an unread count, and the text is shown as written and never runs.
            String carolKey = "user:" + carolId;
            JsonNode sent = carol.call("{\"msgid\":6,\"toid\":" + aliceId + ",\"msg\":" + ChatClient.quote(XSS) + "}");
            assertEquals("online", sent.path("stored").asText(), sent::toString);
            alice.awaitUnread(carolKey, 1);
            assertTrue(alice.entry(carolKey).contains("carol"));
            alice.openConversation(carolKey);
            alice.awaitMessage(XSS);
            assertEquals(0L, alice.script("return document.querySelectorAll('#messages img, #messages b').length"));
            assertNull(alice.script("return window.xssRan"));
            aliceBrowser.screenshot(SCREENSHOTS, "desktop-markup-as-text");

            // The picture for the README: bob's group conversation, once the notices have faded.
            bob.awaitNoToasts();
            bobBrowser.screenshot(SCREENSHOTS, "desktop-group");

            // At phone width the list and the conversation are two screens.
            bobBrowser.emulatePhone(390, 844);
            bob.back();
            bobBrowser.screenshot(SCREENSHOTS, "phone-list");
            bob.openConversation(aliceKey);
            bobBrowser.screenshot(SCREENSHOTS, "phone-conversation");

            // alice's server dies with a message just shown and perhaps not confirmed yet. Her
            // page reconnects through nginx, which sends it to the other server once that one has
            // cleaned up after the dead one (its users' sessions are free a few seconds later);
            // the message comes again, and the page must not show it twice.
            alice.openConversation(groupKey);
            carol.call("{\"msgid\":10,\"groupid\":" + groupId + ",\"msg\":\"Just before the crash\"}");
            alice.awaitMessage("Just before the crash");
            cluster.server(aliceServer).kill9();
            assertTrue(alice.awaitBanner().contains("reconnect") || alice.awaitBanner().contains("Cannot reach"));
            bob.sendAndConfirm("Are you back?");
            alice.awaitConnected();
            alice.awaitToast("Reconnected");
            assertEquals(bobServer, serverOf(cluster, aliceId), "alice is back, on the surviving server");

            alice.openConversation(bobKey);
            alice.awaitMessage("Are you back?");
            alice.sendAndConfirm("Yes, back after the crash");
            bob.awaitMessage("Yes, back after the crash");
            alice.assertShownOnce(List.of("Hi bob, this is alice", "Hello alice!\nTwo lines, sent with Enter", "Are you back?"));
            alice.openConversation(groupKey);
            alice.assertShownOnce(List.of("Standup at 10", "I'll bring coffee", "See you there", "Just before the crash"));

            // A reload logs in with the tab's token and lists the same conversations, carol's too;
            // their messages come from the server's history, again without repeats.
            alice.reload();
            alice.awaitConnected();
            alice.openConversation(groupKey);
            alice.awaitMessage("Just before the crash");
            alice.assertShownOnce(List.of("Standup at 10", "I'll bring coffee", "See you there", "Just before the crash"));
            alice.openConversation(carolKey);
            alice.assertShownOnce(List.of(XSS));
            alice.openConversation(bobKey);
            alice.awaitMessage("Yes, back after the crash");
            aliceBrowser.screenshot(SCREENSHOTS, "desktop-after-reconnect");

            // A refusal reads as a sentence; logging out ends the session and the tab forgets it.
            assertEquals(List.of(), alice.findPeople("nobody"));
            assertEquals("Nobody's name starts with \"nobody\".", alice.findSaid());
            alice.logOut();
            alice.reload();
            alice.awaitWelcome();
            assertEquals(aliceId, alice.logIn("alice", PASSWORD));
            alice.awaitPresence(bobId, true);

            // The only errors either page may have logged: reconnects refused while alice's session
            // was still held by the dead server.
            assertEquals(List.of(), bobBrowser.consoleErrors());
            assertEquals(List.of(), aliceBrowser.consoleErrors().stream()
                    .filter(error -> !error.contains("WebSocket connection to 'wss://127.0.0.1:" + cluster.nginxWebPort()))
                    .toList());
        }
    }
}
