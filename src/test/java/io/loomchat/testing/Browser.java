package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium driven through WebDriver: Debian's {@code chromium} and
 * {@code chromium-driver}, found on PATH or in /usr/bin. Each browser has a profile of its own
 * (so two of them are two people, with separate session storage), deleted on close. Without the
 * packages the test fails under {@code CI=true} and is skipped elsewhere, naming them.
 *
 * <p>A browser can be told to trust a private CA the way a user would: Chromium on Linux takes
 * local trust anchors from the NSS database in {@code $HOME/.pki/nssdb}, so the browser gets a
 * home of its own whose database holds that CA (made with NSS's {@code certutil}). Certificate
 * checks stay on; nothing is ignored.
 */
public final class Browser implements AutoCloseable {

    /** Where screenshots go: next to the surefire reports, so that CI keeps them with the results. */
    public static final Path SCREENSHOTS = Path.of("target", "surefire-reports", "screenshots");
    private static final Duration CERTUTIL_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(String name, ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.name = name;
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser with a window of {@code width} x {@code height} CSS pixels. */
    public static Browser start(String name, int width, int height) {
        return start(name, width, height, null);
    }

    /**
     * A browser that also trusts the CA in {@code trustedCa} (PEM) for https and wss, as a user
     * who imported it would; null: only what the system trusts.
     */
    public static Browser start(String name, int width, int height, Path trustedCa) {
        Path chromium = Executables.find("chromium", Path.of("/usr/bin/chromium"))
                .orElseThrow(() -> Prerequisite.missing("no chromium: the browser tests need Debian's chromium and "
                        + "chromium-driver (apt-get install chromium chromium-driver)"));
        Path chromedriver = Executables.find("chromedriver", Path.of("/usr/bin/chromedriver"))
                .orElseThrow(() -> Prerequisite.missing("no chromedriver: the browser tests need Debian's "
                        + "chromium-driver (apt-get install chromium-driver)"));
        Path profile;
        try {
            profile = Files.createTempDirectory("loomchat-browser-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path home = profile.resolve("home");
        if (trustedCa != null) {
            try {
                trust(home, trustedCa);
            } catch (RuntimeException e) {
                deleteTree(profile);
                throw e;
            }
        }
        ChromeOptions options = new ChromeOptions();
        // Given the binary and the driver, Selenium looks for nothing on the internet.
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--window-size=" + width + "," + height,
                // As root in a container Chromium has no sandbox to use; /dev/shm there is tiny.
                "--no-sandbox", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.resolve("chromium"), "--no-first-run", "--disable-extensions",
                "--lang=en-US", "--force-device-scale-factor=1");
        // What the page logs to its console, so that a test can tell a script error from a quiet page.
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                // Chromium inherits the driver's environment: this HOME is where it finds its NSS database.
                .withEnvironment(Map.of("HOME", home.toString()))
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
            return new Browser(name, service, driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    /** An NSS database in {@code home/.pki/nssdb} holding {@code ca} as a CA trusted for TLS servers. */
    private static void trust(Path home, Path ca) {
        Path certutil = Executables.find("certutil", Path.of("/usr/bin/certutil"))
                .orElseThrow(() -> Prerequisite.missing("no certutil: the browser tests over https need NSS's tools "
                        + "(apt-get install libnss3-tools)"));
        Path database = home.resolve(".pki").resolve("nssdb");
        try {
            Files.createDirectories(database);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String store = "sql:" + database;
        ShortCommand.run(List.of(certutil.toString(), "-d", store, "-N", "--empty-password"), CERTUTIL_TIMEOUT)
                .requireSuccess();
        // "C,,": a CA trusted to issue server certificates, and for nothing else (mail, code).
        ShortCommand.run(List.of(certutil.toString(), "-d", store, "-A", "-n", "LoomChat test CA", "-t", "C,,",
                "-i", ca.toString()), CERTUTIL_TIMEOUT).requireSuccess();
    }

    public ChromeDriver driver() {
        return driver;
    }

    public String name() {
        return name;
    }

    /**
     * Shows the page as a phone of {@code width} x {@code height} CSS pixels (touch, device scale
     * 2), as the developer tools' device mode does; a headless window cannot be made that narrow.
     */
    public void emulatePhone(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
    }

    /**
     * The errors the page's console showed since the last call: uncaught exceptions, failed loads,
     * refused connections, Content-Security-Policy violations.
     */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Saves what the browser shows as {@code <test>/<name>.png} under {@link #SCREENSHOTS}. */
    public Path screenshot(String test, String file) {
        Path target = SCREENSHOTS.resolve(test).resolve(file + ".png");
        try {
            Files.createDirectories(target.getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the screenshot " + target, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Chromium may still be writing its profile as it exits; a temporary directory left behind harms nothing.
            System.err.println("could not delete the browser profile " + directory + ": " + e);
        }
    }
}
