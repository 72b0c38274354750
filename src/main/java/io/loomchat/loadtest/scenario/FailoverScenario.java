package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Pairs;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.Reconnector;
import io.loomchat.loadtest.sim.RecoveryWatch;
import io.loomchat.loadtest.sim.RunContext;
import io.loomchat.loadtest.sim.Senders;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Pairs chat (closed loop, or at --rate), and --idle-users more clients only hold their
 * connection; after --kill-after one server is killed (--kill-pid, or --kill-command for
 * anything else, e.g. a kill and a restart). Dropped clients log in again (on the next target
 * when theirs is gone), and the run measures the time from the kill until each is back: chatting
 * again (a message it sent after logging in again reached its partner), or, for an idle client,
 * logged in again. Chat between clients the kill did not drop is timed apart ("undisturbed").
 */
final class FailoverScenario implements Scenario {

    /** Chat goes on this long after the last client is back, to show it stays healthy. */
    private static final long AFTER_RECOVERY_MILLIS = 2_000;

    @Override
    public void run(Session session) throws Exception {
        RunContext run = session.run;
        int chatting = session.share(session.options.chatUsers(), 2);
        List<SimUser> users = session.register(chatting + session.options.idleUsers);
        List<Stream> streams = Pairs.open(run, users.subList(0, chatting));
        // The kill must find every client in: first logins the storm fails are tried again.
        session.loginAll(users, session.options.recoveryTimeout.toNanos());
        RecoveryWatch watch = new RecoveryWatch(run.metrics,
                users.subList(chatting, users.size()).stream().flatMap(user -> user.devices().stream()).toList());
        run.recovery(watch);
        run.dropPolicy(new Reconnector(run));
        try (Heartbeats heartbeats = new Heartbeats(run, users)) {
            session.progress.phase("chat");
            long start = System.nanoTime();
            boolean allBack;
            try (Senders senders = new Senders(run, streams, session.options.rate)) {
                TimeUnit.NANOSECONDS.sleep(session.options.killAfter.toNanos());
                session.progress.phase("kill");
                watch.killed(System.nanoTime());
                kill(session);
                TimeUnit.SECONDS.sleep(1); // let the drops arrive before waiting for their recovery
                session.progress.phase("recover");
                allBack = watch.awaitAll(session.options.recoveryTimeout.toNanos());
                session.progress.phase("chat");
                long rest = Math.max(AFTER_RECOVERY_MILLIS,
                        session.options.duration.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                TimeUnit.MILLISECONDS.sleep(rest);
            }
            session.measuredSeconds = Session.seconds(System.nanoTime() - start);
            session.allBackSeconds = Session.seconds(watch.allBackNanos());
            session.drainAndCount();
            if (!allBack) {
                session.fail(watch.waiting() + " dropped clients not chatting again within "
                        + session.options.recoveryTimeout.toSeconds() + " s");
            }
            if (run.metrics.get(Count.DROPS) == 0) {
                session.fail("the kill dropped no client: nothing was measured");
            }
        } finally {
            Population.closeAll(run, users);
        }
    }

    private static void kill(Session session) throws IOException, InterruptedException {
        LoadOptions options = session.options;
        if (options.killPid != 0) {
            ProcessHandle server = ProcessHandle.of(options.killPid)
                    .orElseThrow(() -> new IOException("no process " + options.killPid + " to kill"));
            session.run.log.println("failover: kill -9 " + options.killPid);
            server.destroyForcibly(); // SIGKILL on Unix: no clean shutdown, as in a crash
            return;
        }
        session.run.log.println("failover: sh -c '" + options.killCommand + "'");
        Process process = new ProcessBuilder("sh", "-c", options.killCommand).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> session.run.log.println("failover: " + line));
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IOException("--kill-command exited with " + exit);
        }
    }
}
