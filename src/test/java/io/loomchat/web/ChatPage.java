package io.loomchat.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.testing.Browser;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client as a person uses it: fill in forms, click a friend, type and press Enter,
 * read what the page shows. Every wait fails with what the page showed instead, so that a failure
 * says more than "timed out".
 */
final class ChatPage {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern USER_ID = Pattern.compile("id (\\d+)");
    /** How sidebar-view.js words the device in the tooltip of the user's id. */
    private static final String DEVICE_TITLE = "This device: ";

    private final Browser browser;
    private final WebDriver driver;

    ChatPage(Browser browser) {
        this.browser = browser;
        this.driver = browser.driver();
    }

    ChatPage open(String url) {
        driver.get(url);
        await("the welcome screen or the chat", d -> displayed("welcome") || displayed("app"));
        return this;
    }

    /** Creates an account; returns the user id the page shows once logged in. */
    int register(String name, String password) {
        click(By.id("tab-register"));
        type(By.id("register-name"), name);
        type(By.id("register-password"), password);
        click(By.id("register-submit"));
        return loggedInId();
    }

    /** Logs in by name (protocol 2.3); returns the user id the page shows once logged in. */
    int logIn(String name, String password) {
        type(By.id("login-name"), name);
        type(By.id("login-password"), password);
        click(By.id("login-submit"));
        return loggedInId();
    }

    /** Tries to log in and returns the refusal the welcome screen shows. */
    String logInRefused(String name, String password) {
        type(By.id("login-name"), name);
        type(By.id("login-password"), password);
        click(By.id("login-submit"));
        return await("a refusal on the welcome screen", d -> {
            WebElement error = d.findElement(By.id("welcome-error"));
            return error.isDisplayed() && !error.getText().isEmpty() ? error.getText() : null;
        });
    }

    void logOut() {
        click(By.id("logout"));
        awaitWelcome();
    }

    void awaitWelcome() {
        await("the welcome screen", d -> displayed("welcome") && !displayed("app") ? true : null);
    }

    private int loggedInId() {
        String text = await("the chat screen with the user's id", d -> {
            if (!displayed("app")) {
                String error = driver.findElement(By.id("welcome-error")).getText();
                if (!error.isEmpty()) {
                    throw new AssertionError(browser.name() + ": the page refused: " + error);
                }
                return null;
            }
            String id = driver.findElement(By.id("me-id")).getText();
            return id.isEmpty() ? null : id;
        });
        Matcher matcher = USER_ID.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError(browser.name() + ": no user id in \"" + text + "\"");
        }
        return Integer.parseInt(matcher.group(1));
    }

    /**
     * Types a prefix into "Find people" and waits for the answer; returns the names found, in the
     * order shown (empty when the page says nobody's name starts so).
     */
    List<String> findPeople(String prefix) {
        type(By.id("find-name"), prefix);
        click(By.cssSelector("#find-form button"));
        return await("people found for \"" + prefix + "\"", d -> {
            WebElement results = d.findElement(By.id("find-results"));
            if (!results.isDisplayed()) {
                return null;
            }
            if (!results.findElements(By.className("find-none")).isEmpty()) {
                return List.<String>of();
            }
            List<String> names = results.findElements(By.cssSelector("li.found")).stream()
                    .map(found -> found.getDomAttribute("data-name")).toList();
            return names.isEmpty() ? null : names;
        });
    }

    /** Empties "Find people" (Escape), which closes what it found. */
    void closeFind() {
        driver.findElement(By.id("find-name")).sendKeys(Keys.ESCAPE);
        type(By.id("find-name"), "");
        await("the people found to close", d -> d.findElement(By.id("find-results")).isDisplayed() ? null : true);
    }

    /** What "Find people" says when nobody was found (or why the search failed). */
    String findSaid() {
        return driver.findElement(By.cssSelector("#find-results li.find-none")).getText();
    }

    /** Finds someone by their exact name and adds them as a friend; returns what the page says. */
    String addFriend(String name) {
        List<String> found = findPeople(name);
        if (!found.contains(name)) {
            throw new AssertionError(browser.name() + ": looking for " + name + " found " + found);
        }
        // Found again (typed, then submitted) the list is drawn anew: click what is there now.
        By add = By.cssSelector("#find-results li.found[data-name=\"" + name + "\"] button.find-add");
        await("the Add friend button for " + name, d -> {
            d.findElement(add).click();
            return true;
        });
        return actionResult();
    }

    /** Creates a group; returns its id, as listed in the sidebar. */
    int createGroup(String name, String description) {
        openGroupForms();
        type(By.id("create-group-name"), name);
        type(By.id("create-group-desc"), description);
        click(By.cssSelector("#create-group-form button"));
        String said = actionResult();
        Matcher matcher = Pattern.compile(Pattern.quote(name) + " \\((\\d+)\\)").matcher(said);
        if (!matcher.find()) {
            throw new AssertionError(browser.name() + ": creating the group said \"" + said + "\"");
        }
        return Integer.parseInt(matcher.group(1));
    }

    String joinGroup(int id) {
        openGroupForms();
        type(By.id("join-group-id"), String.valueOf(id));
        click(By.cssSelector("#join-group-form button"));
        return actionResult();
    }

    private void openGroupForms() {
        WebElement details = driver.findElement(By.id("group-actions"));
        if (details.getDomAttribute("open") == null) {
            details.findElement(By.tagName("summary")).click();
        }
    }

    private String actionResult() {
        return await("the outcome under the forms", d -> {
            WebElement result = d.findElement(By.id("action-result"));
            return result.isDisplayed() && !result.getText().isEmpty() ? result.getText() : null;
        });
    }

    /** Waits for a sidebar entry ("user:2", "group:7") and returns its text (name, detail, unread). */
    String entry(String key) {
        return await("the sidebar entry " + key, d -> {
            List<WebElement> found = d.findElements(entrySelector(key));
            return found.isEmpty() ? null : found.getFirst().getText();
        });
    }

    /** Waits until a sidebar entry's text (name, preview, unread) contains {@code text}. */
    String awaitEntry(String key, String text) {
        return await("the sidebar entry " + key + " saying \"" + text + "\"", d -> {
            List<WebElement> found = d.findElements(entrySelector(key));
            return !found.isEmpty() && found.getFirst().getText().contains(text) ? found.getFirst().getText() : null;
        });
    }

    /** Waits until the entry of a friend shows them online (true) or offline (false). */
    void awaitPresence(int userId, boolean online) {
        await("user " + userId + " shown " + (online ? "online" : "offline"), d -> {
            List<WebElement> found = d.findElements(By.cssSelector("[data-key=\"user:" + userId + "\"] .avatar"));
            return !found.isEmpty() && found.getFirst().getDomAttribute("class").contains("online") == online ? true : null;
        });
    }

    /** The unread count on a sidebar entry; 0 when it shows none. */
    int unread(String key) {
        String badge = unreadBadge(key);
        return badge.isEmpty() ? 0 : Integer.parseInt(badge.replace("+", ""));
    }

    void awaitUnread(String key, int count) {
        await(count + " unread on " + key, d -> unread(key) == count ? true : null);
    }

    /** Opens the conversation with a friend ("user:2") or a group ("group:7"). */
    void openConversation(String key) {
        click(entrySelector(key));
        await("the conversation " + key + " open", d -> displayed("open-conversation")
                && d.findElement(entrySelector(key)).getDomAttribute("aria-current").equals("true") ? true : null);
    }

    /** Back to the list, on a phone. */
    void back() {
        click(By.id("back"));
    }

    /** Types a message into the open conversation (Shift+Enter between lines) and presses Enter. */
    void send(String text) {
        WebElement input = driver.findElement(By.id("message-input"));
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
            }
            input.sendKeys(lines[i]);
        }
        input.sendKeys(Keys.ENTER);
    }

    /** Sends and waits until the page shows the message as sent (the server's ACK came). */
    void sendAndConfirm(String text) {
        send(text);
        await("\"" + text + "\" shown as sent", d -> {
            for (WebElement message : d.findElements(By.cssSelector("#messages li.message.mine.sent"))) {
                if (message.findElement(By.className("bubble")).getText().equals(text)) {
                    return true;
                }
            }
            return null;
        });
    }

    /** Waits until the open conversation shows a message with exactly this text. */
    WebElement awaitMessage(String text) {
        return await("a message \"" + text + "\" in the open conversation", d -> {
            for (WebElement bubble : d.findElements(By.cssSelector("#messages li.message .bubble"))) {
                if (bubble.getText().equals(text)) {
                    return bubble;
                }
            }
            return null;
        });
    }

    /**
     * Waits until the open conversation shows a message with exactly this text as the user's own
     * (on the right, as sent), whichever of the user's devices sent it.
     */
    WebElement awaitOwnMessage(String text) {
        return await("\"" + text + "\" shown as the user's own", d -> {
            for (WebElement message : d.findElements(By.cssSelector("#messages li.message.mine.sent"))) {
                if (message.findElement(By.className("bubble")).getText().equals(text)) {
                    return message;
                }
            }
            return null;
        });
    }

    /**
     * Waits until the user's own message with this text shows the tick {@code tick} ("sent",
     * "delivered", "read") in the open conversation.
     */
    void awaitTick(String text, String tick) {
        await("\"" + text + "\" marked " + tick, d -> tick.equals(tick(text)) ? true : null);
    }

    /** The tick of the user's own message with this text in the open conversation; null when none. */
    String tick(String text) {
        // Read in one script, like messages(): a redraw between finding and reading goes stale.
        return (String) script("""
                const mine = Array.from(document.querySelectorAll('#messages li.message.mine'))
                    .find(m => m.querySelector('.bubble').innerText.trim() === arguments[0]);
                return mine ? mine.getAttribute('data-tick') : null""", text);
    }

    /** Types into the composer without sending, as someone who is still writing. */
    void typeWithoutSending(String text) {
        driver.findElement(By.id("message-input")).sendKeys(text);
    }

    /** Empties the composer. */
    void clearComposer() {
        WebElement input = driver.findElement(By.id("message-input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    }

    /** Waits until the open conversation says someone is typing; returns the line. */
    String awaitTyping(String text) {
        return await("\"" + text + "\" under the messages", d -> {
            String line = d.findElement(By.id("typing")).getText();
            return line.contains(text) ? line : null;
        });
    }

    /** Waits until nobody is shown typing in the open conversation. */
    void awaitNoTyping() {
        await("the typing line to go", d -> d.findElement(By.id("typing")).getText().isEmpty() ? true : null);
    }

    /** The keys of the conversation list's entries ("user:2", "group:7"), top to bottom. */
    List<String> entryKeys() {
        @SuppressWarnings("unchecked")
        List<Object> keys = (List<Object>) script(
                "return Array.from(document.querySelectorAll('#chats .contact'), e => e.getAttribute('data-key'))");
        return keys.stream().map(String.class::cast).toList();
    }

    /** The unread badge's text on an entry ("3", "99+"); "" when it shows none. */
    String unreadBadge(String key) {
        return (String) script("""
                const badge = document.querySelector('[data-key="' + arguments[0] + '"] .unread');
                return badge ? badge.innerText.trim() : ''""", key);
    }

    /** The texts of the open conversation's messages, top to bottom. */
    List<String> messages() {
        // One script reads every bubble at once: the list is redrawn as messages, receipts and
        // notices arrive, and reading element by element could meet one removed in between.
        @SuppressWarnings("unchecked")
        List<Object> texts = (List<Object>) script(
                "return Array.from(document.querySelectorAll('#messages li.message .bubble'), b => b.innerText.trim())");
        return texts.stream().map(String.class::cast).toList();
    }

    /**
     * Scrolls the open conversation to its top, as a reader going back does, and waits until the
     * page before has come: the first message shown is another one.
     */
    void scrollToTop() {
        String first = messages().getFirst();
        script("document.getElementById('messages').scrollTop = 0");
        await("an older page above \"" + first + "\"", d -> messages().getFirst().equals(first) ? null : true);
    }

    /** How far the open conversation is scrolled down, in CSS pixels. */
    long scrollTop() {
        return ((Number) script("return Math.round(document.getElementById('messages').scrollTop)")).longValue();
    }

    /** Waits until the line above the oldest message says {@code text} (e.g. "No earlier messages"). */
    void awaitHistoryEdge(String text) {
        await("\"" + text + "\" above the oldest message", d -> {
            List<WebElement> edge = d.findElements(By.cssSelector("#messages li.history-edge"));
            return !edge.isEmpty() && edge.getFirst().isDisplayed() && edge.getFirst().getText().contains(text) ? true : null;
        });
    }

    /**
     * The device this tab logged in as, from the tooltip on the user's id: the profile's id, or
     * "&lt;id&gt;.2" and so on for a tab opened beside one that holds it.
     */
    String deviceId() {
        return await("the device id on the logged-in user's id", d -> {
            String title = d.findElement(By.id("me-id")).getDomAttribute("title");
            return title != null && title.startsWith(DEVICE_TITLE) ? title.substring(DEVICE_TITLE.length()) : null;
        });
    }

    /** The profile's device id, as local storage keeps it for every tab. */
    String profileDeviceId() {
        return (String) script("return localStorage.getItem('loomchat.device')");
    }

    /** Waits for each text in the open conversation and fails if any is shown more than once. */
    void assertShownOnce(List<String> texts) {
        for (String text : texts) {
            awaitMessage(text);
            assertEquals(1, count(text), () -> "\"" + text + "\" shown more than once");
        }
    }

    /** How many messages of the open conversation have exactly this text. */
    long count(String text) {
        return messages().stream().filter(text::equals).count();
    }

    /** Waits until the open conversation has a line about an event containing {@code text}. */
    String awaitEvent(String text) {
        return await("an event line containing \"" + text + "\"", d -> {
            for (WebElement event : d.findElements(By.cssSelector("#messages li.event"))) {
                if (event.getText().contains(text)) {
                    return event.getText();
                }
            }
            return null;
        });
    }

    /** Waits for a toast containing {@code text}. */
    String awaitToast(String text) {
        return await("a notice containing \"" + text + "\"", d -> {
            for (WebElement toast : d.findElements(By.cssSelector("#toasts .toast"))) {
                if (toast.getText().contains(text)) {
                    return toast.getText();
                }
            }
            return null;
        });
    }

    /** Waits until every notice has faded (they last a few seconds). */
    void awaitNoToasts() {
        await("the notices to fade", d -> d.findElements(By.cssSelector("#toasts .toast")).isEmpty() ? true : null);
    }

    /** Waits until the banner says the connection is down. */
    String awaitBanner() {
        return await("the connection banner", d -> displayed("status") ? d.findElement(By.id("status")).getText() : null);
    }

    /** Waits until the connection is up and logged in: no banner, the green dot. */
    void awaitConnected() {
        await("the page connected and logged in", d -> !displayed("status")
                && d.findElement(By.id("link-state")).getDomAttribute("class").contains("up") ? true : null);
    }

    /**
     * Opens a blank tab in front of the page, as a user who turns to something else does: the
     * page is then hidden. Returns the page's window handle, for {@link #backFrom(String)}.
     */
    String coverWithBlankTab() {
        String page = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        return page;
    }

    /** Closes the blank tab and brings the page back in front. */
    void backFrom(String page) {
        driver.close();
        driver.switchTo().window(page);
        await("the page visible again", d -> "visible".equals(script("return document.visibilityState")) ? true : null);
    }

    String title() {
        return driver.getTitle();
    }

    Object script(String script, Object... arguments) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(script, arguments);
    }

    void reload() {
        driver.navigate().refresh();
    }

    private static By entrySelector(String key) {
        return By.cssSelector("#app .contact[data-key=\"" + key + "\"]");
    }

    private boolean displayed(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return !found.isEmpty() && found.getFirst().isDisplayed();
    }

    private void type(By field, String text) {
        WebElement input = driver.findElement(field);
        input.clear();
        input.sendKeys(text);
    }

    /**
     * Finds and clicks inside one wait: the page draws its lists again as frames arrive (a
     * conversation list follows CONVERSATIONS, READ_NOTICE, new messages), and an element found
     * just before a redraw is stale by the click. A stale element is not clicked, so trying again
     * clicks once.
     */
    private void click(By target) {
        await("to click " + target, d -> {
            d.findElement(target).click();
            return true;
        });
    }

    /** Polls until {@code condition} returns non-null; fails with the page's text when it never does. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, WAIT, Duration.ofMillis(100))
                    .ignoring(StaleElementReferenceException.class)
                    .ignoring(NoSuchElementException.class)
                    .until(condition::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            String page = driver.findElement(By.tagName("body")).getText();
            throw new AssertionError(browser.name() + ": waited " + WAIT.toSeconds() + " s for " + what
                    + ". The page showed:\n" + page, e);
        }
    }
}
