package io.loomchat.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A helper program a fixture runs to its end (openssl's script, NSS's certutil): its exit code
 * and what it printed, standard output and error together.
 */
record ShortCommand(List<String> command, int exit, String output) {

    /** Runs {@code command}; fails if it has not finished within {@code timeout}. */
    static ShortCommand run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeout.toSeconds() + " s");
            }
            return new ShortCommand(command, process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    /** This, when the command succeeded. */
    ShortCommand requireSuccess() {
        if (exit != 0) {
            throw new IllegalStateException(command + " exited with " + exit + ": " + output.strip());
        }
        return this;
    }
}
