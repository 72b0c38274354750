package io.loomchat.web;

import static io.loomchat.web.WebCluster.closing;
import static io.loomchat.web.WebCluster.pageOf;
import static io.loomchat.web.WebCluster.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Browser;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol 2.3 part 2 in the browser client, in real headless Chromium across two servers behind
 * nginx over TLS: alice on two browsers (her laptop and her phone), bob in a third, and carol on
 * the console protocol, whose every step the test takes by hand. Logging in and finding people by
 * name; the conversation list from CONVERSATIONS, most recent first, with unread counts that move
 * together on alice's devices (a read on one clears the other's badge); bob's messages ticked
 * sent, delivered and read; "alice is typing…" that shows, ends with her message, and fades when
 * she stops; nothing marked read while the page is hidden behind another tab.
 */
class BrowserReadStateEndToEndTest {

    private static final String PASSWORD = "correct horse";
    private static final String SCREENSHOTS = "BrowserReadStateEndToEndTest";
    /** Longer than the page shows "is typing" after the last TYPING (typing.js, 6 s), with room. */
    private static final Duration TYPING_FADES = Duration.ofSeconds(12);

    @TempDir
    Path certificates;

    @Test
    void unreadCountsTicksAndTypingFollowWhatPeopleDoOnEveryDevice() throws Exception {
        TestCertificates tls = TestCertificates.forLocalhost(certificates);
        CompletableFuture<ProcessCluster> starting = CompletableFuture.supplyAsync(
                () -> ProcessCluster.startBehindNginxWithWeb(List.of("rs-a", "rs-b"), tls));
        try (AutoCloseable stopsTheCluster = closing(starting);
             Browser laptopBrowser = Browser.start("alice's laptop", 1280, 800, tls.ca());
             Browser phoneBrowser = Browser.start("alice's phone", 1280, 800, tls.ca());
             Browser bobBrowser = Browser.start("bob", 1280, 800, tls.ca())) {
            chat(started(starting), tls, laptopBrowser, phoneBrowser, bobBrowser);
        }
    }

    private void chat(ProcessCluster cluster, TestCertificates tls, Browser laptopBrowser, Browser phoneBrowser,
                      Browser bobBrowser) {
        ChatPage laptop = new ChatPage(laptopBrowser).open(pageOf(cluster));
        int aliceId = laptop.register("alice", PASSWORD);
        ChatPage bob = new ChatPage(bobBrowser).open(pageOf(cluster));
        int bobId = bob.register("bob", PASSWORD);

        // Logging in by name: an unknown name is refused like a wrong password; the right one
        // logs in as the account the laptop created, whose id nobody typed.
        ChatPage phone = new ChatPage(phoneBrowser).open(pageOf(cluster));
        assertEquals("Could not log in as nobody: the name or password is wrong.",
                phone.logInRefused("nobody", PASSWORD));
        assertEquals(aliceId, phone.logIn("alice", PASSWORD));

        try (ChatClient carol = ChatClient.connectTls("127.0.0.1", cluster.nginxPort(), tls.clientContext())) {
            int carolId = carol.register("carol", PASSWORD);
            JsonNode login = carol.call("{\"msgid\":1,\"name\":\"carol\",\"password\":\"" + PASSWORD
                    + "\",\"device\":\"console\"}");
            assertEquals(0, login.path("errno").asInt(), login::toString);
            assertEquals(carolId, login.path("id").asInt(), login::toString);
            String aliceKey = "user:" + aliceId;
            String bobKey = "user:" + bobId;
            String carolKey = "user:" + carolId;

            // Finding people by name: by prefix, in any case, shortest names first; then adding.
            bob.awaitNoToasts();
            assertEquals(List.of("alice"), bob.findPeople("AL"));
            bobBrowser.screenshot(SCREENSHOTS, "find-people");
            assertTrue(bob.addFriend("alice").contains("alice (" + aliceId + ") is now your friend"));
            // Looked for at once: a notice fades after 6 s, and bob's next steps took longer than
            // that on a loaded box.
            laptop.awaitToast("bob (" + bobId + ") added you as a friend");
            assertTrue(bob.addFriend("carol").contains("carol (" + carolId + ") is now your friend"));
            assertEquals(List.of(), bob.findPeople("zed"));
            bob.closeFind();

            // Ticks, one step at a time, with carol taking each step by hand: sent (the server has
            // it), delivered (her device confirmed it), read (she read it).
            bob.openConversation(carolKey);
            bob.sendAndConfirm("Are you there, carol?");
            bob.awaitTick("Are you there, carol?", "sent");
            JsonNode received = carol.next(6);
            assertEquals("Are you there, carol?", received.path("msg").asText(), received::toString);
            String mid = received.path("mid").asText();
            // bob also types: carol hears it once, however many keys he presses.
            bob.typeWithoutSending("hm");
            JsonNode typing = carol.next(23);
            assertEquals(bobId, typing.path("id").asInt(), typing::toString);
            assertEquals("bob", typing.path("name").asText(), typing::toString);
            bob.clearComposer();
            assertEquals("sent", bob.tick("Are you there, carol?"), "not delivered before carol's device confirms it");
            carol.send("{\"msgid\":15,\"mids\":[" + mid + "]}");
            bob.awaitTick("Are you there, carol?", "delivered");
            carol.send("{\"msgid\":20,\"with\":" + bobId + ",\"upto\":" + mid + "}");
            bob.awaitTick("Are you there, carol?", "read");
            // Two more: carol's device confirms the first only. Each message keeps its own tick.
            bob.sendAndConfirm("Call me when you can");
            bob.sendAndConfirm("It's about Friday");
            String callMe = carol.next(6).path("mid").asText();
            assertEquals("It's about Friday", carol.next(6).path("msg").asText());
            carol.send("{\"msgid\":15,\"mids\":[" + callMe + "]}");
            bob.awaitTick("Call me when you can", "delivered");
            assertEquals("read", bob.tick("Are you there, carol?"));
            assertEquals("sent", bob.tick("It's about Friday"));
            bob.awaitNoToasts();
            bobBrowser.screenshot(SCREENSHOTS, "ticks");
            // carol types back, and stops: bob sees it, then sees it go.
            carol.send("{\"msgid\":23,\"to\":" + bobId + "}");
            bob.awaitTyping("carol is typing");
            awaitNoTypingWithin(bob, TYPING_FADES);

            // bob writes to alice twice, carol once after him: both of alice's devices count them,
            // list carol's conversation first (the newest message) and say so in the title.
            bob.openConversation(aliceKey);
            bob.sendAndConfirm("Lunch today?");
            bob.sendAndConfirm("At noon, at the usual place?");
            carol.call("{\"msgid\":6,\"toid\":" + aliceId + ",\"msg\":\"Hi alice, carol here\"}");
            for (ChatPage device : List.of(laptop, phone)) {
                device.awaitUnread(bobKey, 2);
                device.awaitUnread(carolKey, 1);
                device.awaitEntry(bobKey, "At noon, at the usual place?");
                device.await("the title to count 3 unread", d -> d.getTitle().equals("(3) LoomChat") ? true : null);
                assertEquals(List.of(carolKey, bobKey), device.entryKeys(), "the newest conversation first");
            }
            bob.awaitTick("Lunch today?", "delivered");
            bob.awaitTick("At noon, at the usual place?", "delivered");
            laptop.awaitNoToasts();
            laptopBrowser.screenshot(SCREENSHOTS, "conversations-unread");

            // alice reads bob's messages on her phone: the laptop's badge for bob goes (carol's
            // stays), and bob's ticks turn to read.
            phone.openConversation(bobKey);
            phone.awaitMessage("At noon, at the usual place?");
            laptop.awaitUnread(bobKey, 0);
            laptop.await("the title to count 1 unread", d -> d.getTitle().equals("(1) LoomChat") ? true : null);
            assertEquals(1, laptop.unread(carolKey));
            assertEquals(1, phone.unread(carolKey));
            bob.awaitTick("Lunch today?", "read");
            bob.awaitTick("At noon, at the usual place?", "read");

            // alice types on her phone: bob sees it, and it ends the moment her message arrives.
            phone.typeWithoutSending("Sure");
            bob.awaitTyping("alice is typing…");
            bob.awaitNoToasts();
            bobBrowser.screenshot(SCREENSHOTS, "ticks-and-typing");
            phone.send(", see you at noon");
            bob.awaitMessage("Sure, see you at noon");
            assertEquals("", bob.script("return document.getElementById('typing').textContent"),
                    "alice's message ends her typing at once");
            // bob has the conversation open and in focus: her message is read as it comes.
            phone.awaitTick("Sure, see you at noon", "read");
            laptop.awaitEntry(bobKey, "You: Sure, see you at noon");
            assertEquals(0, laptop.unread(bobKey));
            // She starts another and stops: it fades on bob's screen after a few seconds.
            phone.typeWithoutSending("Oh, and");
            bob.awaitTyping("alice is typing…");
            awaitNoTypingWithin(bob, TYPING_FADES);
            phone.clearComposer();

            // Reading carol's message on the laptop clears both devices; nothing is unread anywhere.
            laptop.openConversation(carolKey);
            laptop.awaitMessage("Hi alice, carol here");
            phone.awaitUnread(carolKey, 0);
            phone.await("the title without a count", d -> d.getTitle().equals("LoomChat") ? true : null);
            JsonNode readNotice = carol.next(21);
            assertEquals(aliceId, readNotice.path("reader").asInt(), readNotice::toString);

            // The list comes from the server: after a reload the laptop lists the same
            // conversations in the same order, and a message that came while it reloaded is unread.
            laptop.openConversation(bobKey);
            laptop.reload();
            laptop.awaitConnected();
            carol.call("{\"msgid\":6,\"toid\":" + aliceId + ",\"msg\":\"One more thing\"}");
            laptop.awaitUnread(carolKey, 1);
            laptop.awaitEntry(carolKey, "One more thing");
            assertEquals(List.of(carolKey, bobKey), laptop.entryKeys());
            laptop.awaitEntry(bobKey, "You: Sure, see you at noon");
            assertEquals(0, laptop.unread(bobKey));
            phone.awaitUnread(carolKey, 1);
            laptop.openConversation(bobKey);
            laptop.awaitTick("Sure, see you at noon", "read");

            // What arrives while the page is out of sight is not read, though its conversation is
            // open: alice turns to another tab on her laptop (her phone shows carol's conversation).
            phone.openConversation(carolKey);
            String laptopPage = laptop.coverWithBlankTab();
            bob.sendAndConfirm("Are you still there?");
            bob.awaitTick("Are you still there?", "delivered");
            phone.awaitUnread(bobKey, 1);
            sleep(Duration.ofSeconds(2));
            assertEquals("delivered", bob.tick("Are you still there?"), "read while alice's page was hidden");
            assertEquals(1, phone.unread(bobKey));
            // She comes back to it: now it is read, and the phone's badge goes.
            laptop.backFrom(laptopPage);
            laptop.awaitMessage("Are you still there?");
            bob.awaitTick("Are you still there?", "read");
            phone.awaitUnread(bobKey, 0);

            assertEquals(List.of(), laptopBrowser.consoleErrors());
            assertEquals(List.of(), phoneBrowser.consoleErrors());
            assertEquals(List.of(), bobBrowser.consoleErrors());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The typing line goes within {@code limit} (a page shows it a few seconds past the last TYPING). */
    private static void awaitNoTypingWithin(ChatPage page, Duration limit) {
        long started = System.nanoTime();
        page.awaitNoTyping();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(limit) <= 0, "the typing line stayed " + took.toMillis() + " ms");
    }
}
