package io.loomchat.web;

import static io.loomchat.web.WebCluster.closing;
import static io.loomchat.web.WebCluster.pageOf;
import static io.loomchat.web.WebCluster.serverOf;
import static io.loomchat.web.WebCluster.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Browser;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.TestCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WindowType;

/**
 * Protocol 2.3 in the browser client, in real headless Chromium: alice on two devices (two
 * browser profiles, a laptop and a phone-sized one) and bob in a third browser, across two real
 * servers behind nginx, which terminates TLS. What bob sends reaches both devices; what alice
 * sends from one device appears on the other as hers. The server holding one of her devices is
 * killed ({@code kill -9}) while the others chat on; that device reconnects through nginx and
 * shows everything, once. Then a browser alice never used before logs in and reads the past from
 * the server's history: its newest page, and the page before as she scrolls up.
 */
class BrowserDevicesEndToEndTest {

    private static final String PASSWORD = "correct horse";
    private static final String SCREENSHOTS = "BrowserDevicesEndToEndTest";
    /** The page asks HISTORY for 50 at a time (history.js): more than that needs a second page. */
    private static final int HISTORY_PAGE = 50;
    private static final int MANY = 60;

    @TempDir
    Path certificates;
    /** The browser alice has never used, started in the background halfway through. */
    private CompletableFuture<Browser> startingNewBrowser;

    @Test
    void twoDevicesOfOneUserAndAThirdBrowserChatThroughAServerDeathAndANewBrowserReadsThePast() throws Exception {
        TestCertificates tls = TestCertificates.forLocalhost(certificates);
        CompletableFuture<ProcessCluster> starting = CompletableFuture.supplyAsync(
                () -> ProcessCluster.startBehindNginxWithWeb(List.of("dev-a", "dev-b"), tls));
        try (AutoCloseable stopsTheCluster = closing(starting);
             Browser laptopBrowser = Browser.start("alice's laptop", 1280, 800, tls.ca());
             Browser phoneBrowser = Browser.start("alice's phone", 1280, 800, tls.ca());
             Browser bobBrowser = Browser.start("bob", 1280, 800, tls.ca());
             AutoCloseable closesTheNewBrowser = () -> {
                 if (startingNewBrowser != null) {
                     closing(startingNewBrowser).close();
                 }
             }) {
            chat(started(starting), tls, laptopBrowser, phoneBrowser, bobBrowser);
        }
    }

    private void chat(ProcessCluster cluster, TestCertificates tls, Browser laptopBrowser, Browser phoneBrowser,
                      Browser bobBrowser) {
        ChatPage laptop = new ChatPage(laptopBrowser).open(pageOf(cluster));
        int aliceId = laptop.register("alice", PASSWORD);
        String laptopDevice = laptop.deviceId();
        assertTrue(laptopDevice.matches("web-[a-z0-9]{16}"), laptopDevice);
        assertEquals(laptop.profileDeviceId(), laptopDevice, "the only tab of a profile logs in as the profile's device");
        int laptopServer = serverOf(cluster, aliceId, laptopDevice);
        // nginx balances by open connections: the phone, opened once the laptop's WebSocket is up,
        // lands on the other server.
        ChatPage phone = new ChatPage(phoneBrowser).open(pageOf(cluster));
        phoneBrowser.emulatePhone(390, 844);
        phone.logIn("alice", PASSWORD);
        String phoneDevice = phone.deviceId();
        assertNotEquals(laptopDevice, phoneDevice, "two browser profiles are two devices");
        int phoneServer = serverOf(cluster, aliceId, phoneDevice);
        assertNotEquals(laptopServer, phoneServer, "nginx put both of alice's devices on one server");
        ChatPage bob = new ChatPage(bobBrowser).open(pageOf(cluster));
        int bobId = bob.register("bob", PASSWORD);
        int bobServer = serverOf(cluster, bobId);
        String bobKey = "user:" + bobId;
        String aliceKey = "user:" + aliceId;

        // bob adds alice: both devices hear of it.
        assertTrue(bob.addFriend("alice").contains("alice (" + aliceId + ") is now your friend"));
        laptop.awaitToast("bob (" + bobId + ") added you as a friend");
        phone.awaitToast("bob (" + bobId + ") added you as a friend");

        // What bob sends reaches both devices, each with it unread until opened there.
        bob.openConversation(aliceKey);
        bob.sendAndConfirm("Hi alice, from bob");
        laptop.awaitUnread(bobKey, 1);
        phone.awaitUnread(bobKey, 1);

        // What alice sends from the laptop is hers on the phone: previewed as hers, never unread;
        // and reading bob's message on the laptop (2.3 READ) clears the phone's count too.
        laptop.openConversation(bobKey);
        laptop.awaitMessage("Hi alice, from bob");
        laptop.sendAndConfirm("Sent from the laptop");
        bob.awaitMessage("Sent from the laptop");
        phone.awaitEntry(bobKey, "You: Sent from the laptop");
        phone.awaitUnread(bobKey, 0);
        phone.openConversation(bobKey);
        phone.awaitOwnMessage("Sent from the laptop");
        phone.awaitMessage("Hi alice, from bob");
        assertEquals("LoomChat", phone.title());
        phone.sendAndConfirm("Sent from the phone");
        laptop.awaitOwnMessage("Sent from the phone");
        bob.awaitMessage("Sent from the phone");
        assertEquals("LoomChat", laptop.title());

        // One of alice's devices loses its server: the one whose server is not bob's, so that bob
        // and alice's other device chat on while it is down.
        boolean laptopGoesDown = laptopServer != bobServer;
        ChatPage down = laptopGoesDown ? laptop : phone;
        ChatPage up = laptopGoesDown ? phone : laptop;
        String downDevice = laptopGoesDown ? laptopDevice : phoneDevice;
        bob.sendAndConfirm("Just before the crash");
        down.awaitMessage("Just before the crash");
        up.awaitMessage("Just before the crash");
        cluster.server(laptopGoesDown ? laptopServer : phoneServer).kill9();
        // The browser alice has never used starts while the cluster notices the death (seconds).
        startingNewBrowser = CompletableFuture.supplyAsync(
                () -> Browser.start("alice's new browser", 1280, 800, tls.ca()));
        down.awaitBanner();
        bob.sendAndConfirm("While one device was down");
        up.awaitMessage("While one device was down");
        up.sendAndConfirm("Still here on the other device");
        bob.awaitMessage("Still here on the other device");
        down.awaitConnected();
        down.awaitToast("Reconnected");
        assertEquals(bobServer, serverOf(cluster, aliceId, downDevice), "back through nginx, on the surviving server");
        List<String> conversation = List.of("Hi alice, from bob", "Sent from the laptop", "Sent from the phone",
                "Just before the crash", "While one device was down", "Still here on the other device");
        for (ChatPage device : List.of(down, up)) {
            device.assertShownOnce(conversation);
            assertEquals(conversation, device.messages(), "in the order they were sent");
        }
        down.awaitOwnMessage("Still here on the other device");
        up.awaitOwnMessage("Sent from the laptop");
        up.awaitOwnMessage("Sent from the phone");

        // The pictures for the README: the same conversation on both devices.
        laptop.awaitNoToasts();
        phone.awaitNoToasts();
        laptopBrowser.screenshot(SCREENSHOTS, "devices-laptop");
        phoneBrowser.screenshot(SCREENSHOTS, "devices-phone");

        // More than a page of history: bob's console client, a device of his too, sends them; his
        // browser shows them as his own.
        List<String> many = new ArrayList<>();
        try (ChatClient console = ChatClient.connectTls("127.0.0.1", cluster.nginxPort(), tls.clientContext())) {
            JsonNode login = console.call("{\"msgid\":1,\"id\":" + bobId + ",\"password\":\"" + PASSWORD
                    + "\",\"device\":\"console\"}");
            assertEquals(0, login.path("errno").asInt(), login::toString);
            assertEquals("console", login.path("device").asText(), login::toString);
            // All sent before the first ACK is read: one after the other, each waits for the
            // history's group commit, and the test has no time for that.
            for (int i = 1; i <= MANY; i++) {
                String text = "Message " + i + " of " + MANY;
                console.send("{\"msgid\":6,\"toid\":" + aliceId + ",\"msg\":\"" + text + "\"}");
                many.add(text);
            }
            for (int i = 1; i <= MANY; i++) {
                JsonNode ack = console.nextReply();
                assertEquals(0, ack.path("errno").asInt(), ack::toString);
            }
        }
        String last = many.getLast();
        bob.awaitOwnMessage(last);
        laptop.awaitMessage(last);
        phone.awaitMessage(last);

        // A browser alice never used: a new device, with no backlog, reads the past from history.
        List<String> everything = new ArrayList<>(conversation);
        everything.addAll(many);
        Browser newBrowser = started(startingNewBrowser);
        ChatPage fresh = new ChatPage(newBrowser).open(pageOf(cluster));
        fresh.logIn("alice", PASSWORD);
        assertFalse(List.of(laptopDevice, phoneDevice).contains(fresh.deviceId()), "a new profile, a new device");
        fresh.openConversation(bobKey);
        fresh.awaitMessage(last);
        assertEquals(everything.subList(everything.size() - HISTORY_PAGE, everything.size()), fresh.messages(),
                "opening the conversation shows its newest page");
        fresh.scrollToTop();
        fresh.awaitHistoryEdge("No earlier messages");
        assertEquals(everything, fresh.messages(), "the page before, above it, each message once");
        assertTrue(fresh.scrollTop() > 0, "the reader stays where they were instead of jumping to the oldest");
        fresh.awaitOwnMessage("Sent from the laptop");
        fresh.awaitOwnMessage("Sent from the phone");
        fresh.awaitOwnMessage("Still here on the other device");

        // Live messages join the history without repeats.
        bob.sendAndConfirm("Welcome to your new browser");
        fresh.awaitMessage("Welcome to your new browser");
        fresh.assertShownOnce(List.of("Welcome to your new browser", last));

        fresh.script("document.getElementById('messages').scrollTop = 0");
        fresh.awaitNoToasts();
        newBrowser.screenshot(SCREENSHOTS, "history-new-browser");

        // A second tab of the same profile shares its local storage, but not its device: it logs
        // in beside the first as "<id>.2" instead of being refused as a device logged in already.
        String freshDevice = fresh.deviceId();
        newBrowser.driver().switchTo().newWindow(WindowType.TAB);
        ChatPage secondTab = new ChatPage(newBrowser).open(pageOf(cluster));
        secondTab.logIn("alice", PASSWORD);
        assertEquals(freshDevice + ".2", secondTab.deviceId());
        serverOf(cluster, aliceId, freshDevice + ".2");
        secondTab.openConversation(bobKey);
        secondTab.awaitMessage("Welcome to your new browser");
        assertEquals(List.of(), newBrowser.consoleErrors());

        // The only errors a page may have logged: the killed device's reconnects refused while
        // its session was still held by the dead server.
        assertEquals(List.of(), bobBrowser.consoleErrors());
        String refusedReconnect = "WebSocket connection to 'wss://127.0.0.1:" + cluster.nginxWebPort();
        assertEquals(List.of(), laptopBrowser.consoleErrors().stream().filter(e -> !e.contains(refusedReconnect)).toList());
        assertEquals(List.of(), phoneBrowser.consoleErrors().stream().filter(e -> !e.contains(refusedReconnect)).toList());
    }
}
