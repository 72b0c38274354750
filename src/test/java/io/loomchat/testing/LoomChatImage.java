package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The project's container image, built from its Dockerfile once per test JVM with the command
 * the README gives ({@code docker build -t loomchat .}, here tagged {@code loomchat:test}), so
 * that the tests run what a user builds. LOOMCHAT_BUILD_IMAGE and LOOMCHAT_RUNTIME_IMAGE, when
 * set, become the Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE. Surefire runs test classes in
 * several JVMs at once: a lock file makes their builds take turns, so that the image is built
 * once and a later JVM's build finds every layer cached (seconds) instead of building it again
 * beside the first, on the same two cores, under the same tag.
 */
public final class LoomChatImage {

    public static final String TAG = "loomchat:test";
    /** A first build downloads every dependency into the build stage. */
    private static final long BUILD_TIMEOUT_MINUTES = 15;
    /** Locked by the JVM that builds; the tests run from the project directory. */
    private static final Path BUILD_LOCK = Path.of("target", "loomchat-image-build.lock");

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Guarded by LOCK. */
    private static boolean built;

    private LoomChatImage() {
    }

    /** Builds the image unless this JVM already did; returns its tag. */
    public static String build() {
        Docker.require();
        LOCK.lock();
        try {
            if (!built) {
                try (FileChannel channel = FileChannel.open(BUILD_LOCK, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    channel.lock(); // waits for another JVM's build; closing the channel releases it
                    runDockerBuild();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot lock " + BUILD_LOCK, e);
                }
                built = true;
            }
            return TAG;
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether this JVM built the image (and so may have left containers and volumes). */
    public static boolean isBuilt() {
        LOCK.lock();
        try {
            return built;
        } finally {
            LOCK.unlock();
        }
    }

    /** The build command, as a user would type it. */
    public static List<String> buildCommand() {
        List<String> command = new ArrayList<>(List.of("docker", "build"));
        for (String[] argument : new String[][] {{"BUILD_IMAGE", "LOOMCHAT_BUILD_IMAGE"}, {"RUNTIME_IMAGE", "LOOMCHAT_RUNTIME_IMAGE"}}) {
            String image = System.getenv(argument[1]);
            if (image != null && !image.isBlank()) {
                command.addAll(List.of("--build-arg", argument[0] + "=" + image));
            }
        }
        command.addAll(List.of("-t", TAG, "."));
        return command;
    }

    private static void runDockerBuild() {
        List<String> command = buildCommand();
        try {
            Path log = Files.createTempFile("loomchat-docker-build-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            // The legacy builder unless the user chose BuildKit: Debian's docker.io has no buildx
            // plugin, and the Dockerfile needs nothing BuildKit adds.
            builder.environment().putIfAbsent("DOCKER_BUILDKIT", "0");
            Process process = builder.start();
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + BUILD_TIMEOUT_MINUTES
                        + " minutes:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the image", e);
        }
    }
}
