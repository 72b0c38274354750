package io.loomchat.loadtest.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The progress shown on stderr. On a terminal it is one line that rewrites itself with
 * {@code \r}; otherwise (a log file, CI) a line every {@link #PLAIN_EVERY_SECONDS} seconds, so
 * that logs stay readable.
 */
public final class ProgressLine implements Progress.Display {

    static final int PLAIN_EVERY_SECONDS = 5;

    private final PrintStream err;
    private final boolean terminal;

    public ProgressLine(PrintStream err) {
        this.err = err;
        this.terminal = stderrIsTerminal();
    }

    @Override
    public void show(String phase, int seconds, Sample s) {
        if (!terminal && seconds % PLAIN_EVERY_SECONDS != 0) {
            return;
        }
        String line = String.format("%-8s %4ds  clients %,d  msgs/s %,d  logins/s %,d  p99 %s  errors %,d  rate-limited %,d  drops %,d",
                phase, seconds, s.connected(), s.deliveredPerSecond(), s.loginsPerSecond(), Summary.micros(s.p99Micros()),
                s.errors(), s.rateLimited(), s.drops());
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void finish() {
        if (terminal) {
            err.println();
        }
    }

    /**
     * Whether standard error is a terminal. Linux names the descriptor's target in /proc; elsewhere
     * fall back to System.console(), which on JDK 21 exists only when the process is interactive.
     */
    static boolean stderrIsTerminal() {
        Path fd = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd)) {
            try {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException e) {
                // The descriptor went away between the two calls: certainly no terminal to redraw.
                return false;
            }
        }
        return System.console() != null;
    }
}
