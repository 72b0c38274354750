package io.loomchat.loadtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * With --processes, the measured phase starts in every worker at once. Each worker, once its
 * clients are logged in, prints {@value #READY} on stdout and waits for a line on stdin; the
 * parent sends that line to all of them when the last one is ready (or has died).
 *
 * <p>Why: each worker used to start chatting as soon as its own share was logged in, so at
 * 100,000 clients the chat of the first workers ran during the login storm of the others, and
 * the latency measured was a login storm's (loadtest/results/2026-11-27-scale-100k.md).
 */
final class StartLine {

    static final String READY = "{\"ready\":true}";

    private StartLine() {
    }

    /** Worker side: reports ready and waits for the parent's go; a closed stdin also means go. */
    static void arrive(PrintStream out, InputStream in) throws IOException {
        out.println(READY);
        out.flush();
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    }

    /** Parent side: counts workers that are ready or gone, and lets all go when every one is. */
    static final class Gate {
        private final List<Process> workers;
        private final AtomicInteger arrived = new AtomicInteger();

        Gate(List<Process> workers) {
            this.workers = workers;
        }

        /** A worker printed {@link #READY}, or ended without doing so: called once per worker. */
        void arrived() {
            if (arrived.incrementAndGet() == workers.size()) {
                for (Process worker : workers) {
                    try {
                        OutputStream stdin = worker.getOutputStream();
                        stdin.write('\n');
                        stdin.flush();
                    } catch (IOException e) {
                        // That worker has exited: nothing to release.
                    }
                }
            }
        }
    }
}
