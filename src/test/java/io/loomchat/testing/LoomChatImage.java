package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The project's container image, built from its Dockerfile once per test run with the command
 * the README gives ({@code docker build -t loomchat .}, here tagged {@code loomchat:test}), so
 * that the tests run what a user builds. LOOMCHAT_BUILD_IMAGE and LOOMCHAT_RUNTIME_IMAGE, when
 * set, become the Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE.
 */
public final class LoomChatImage {

    public static final String TAG = "loomchat:test";
    /** A first build downloads every dependency into the build stage. */
    private static final long BUILD_TIMEOUT_MINUTES = 15;

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Guarded by LOCK. */
    private static boolean built;

    private LoomChatImage() {
    }

    /** Builds the image unless this test run already did; returns its tag. */
    public static String build() {
        Docker.require();
        LOCK.lock();
        try {
            if (!built) {
                runDockerBuild();
                built = true;
            }
            return TAG;
        } finally {
            LOCK.unlock();
        }
    }

    /** Whether this test run built the image (and so may have left containers and volumes). */
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
