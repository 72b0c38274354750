package io.loomchat.web;

import io.loomchat.testing.ProcessCluster;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** What the browser tests do with their cluster: start it beside the browsers, find who is where. */
final class WebCluster {

    private WebCluster() {
    }

    static String pageOf(ProcessCluster cluster) {
        return "https://127.0.0.1:" + cluster.nginxWebPort() + "/";
    }

    /**
     * The live server that logged {@code userId} in last, from the servers' logs (a login is an
     * INFO line, and each line starts with its time, so the latest sorts last).
     */
    static int serverOf(ProcessCluster cluster, int userId) {
        return serverOf(cluster, userId, null);
    }

    /** As {@link #serverOf(ProcessCluster, int)}, for the login of one device (null: any). */
    static int serverOf(ProcessCluster cluster, int userId, String device) {
        String login = "login of user " + userId + " from ";
        String ofDevice = device == null ? "" : ", device " + device + ")";
        long deadline = System.nanoTime() + ChatPage.WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            int found = -1;
            String latest = "";
            for (int i = 0; i < 2; i++) {
                if (!cluster.server(i).isAlive()) {
                    continue;
                }
                for (String line : cluster.server(i).output()) {
                    if (line.contains(login) && line.contains(ofDevice) && !line.contains("refused")
                            && line.compareTo(latest) > 0) {
                        found = i;
                        latest = line;
                    }
                }
            }
            if (found >= 0) {
                return found;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the servers' logs", e);
            }
        }
        throw new AssertionError("no server logged the login of user " + userId
                + (device == null ? "" : " on device " + device));
    }

    /** The cluster (or browser), or what stopped it from starting (a missing prerequisite skips the test). */
    static <T> T started(CompletableFuture<T> starting) {
        try {
            return starting.join();
        } catch (CompletionException e) {
            switch (e.getCause()) {
                case RuntimeException cause -> throw cause;
                case Error cause -> throw cause;
                default -> throw e;
            }
        }
    }

    /** Closes what {@code starting} brings, once it has; when it failed there is nothing to close. */
    static AutoCloseable closing(CompletableFuture<? extends AutoCloseable> starting) {
        return () -> {
            AutoCloseable started;
            try {
                started = starting.join();
            } catch (CompletionException failed) {
                return;
            }
            started.close();
        };
    }
}
