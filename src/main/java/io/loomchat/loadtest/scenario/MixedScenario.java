package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.sim.Groups;
import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Pairs;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A realistic blend: most users idle with heartbeats, --chatting-percent chatting one-to-one,
 * --group-percent chatting in groups, all at an open-loop rate (default one message per second
 * per chatting user), and a trickle of --logins-per-second extra users logging in and out.
 */
final class MixedScenario implements Scenario {

    /** Per chatting user when --rate is not given: people type, they do not flood. */
    private static final double DEFAULT_MESSAGES_PER_USER_PER_SECOND = 1.0;

    @Override
    public void run(Session session) throws Exception {
        LoadOptions options = session.options;
        int users = session.share(options.users, 1);
        int chatting = users * options.chattingPercent / 100 / 2 * 2;
        int grouped = users * options.groupPercent / 100 / options.groupSize * options.groupSize;
        int trickle = (int) Math.max(4, Math.ceil(options.loginsPerSecond * 4));
        List<SimUser> all = session.register(users + trickle);
        List<SimUser> held = all.subList(0, users);
        List<SimUser> loggers = all.subList(users, all.size());
        List<Stream> streams = new ArrayList<>(Pairs.open(session.run, held.subList(0, chatting)));
        if (grouped > 0) {
            session.progress.phase("groups");
            streams.addAll(Groups.form(session.run, held.subList(chatting, chatting + grouped), options.groupSize));
        }
        double rate = options.rate > 0 ? options.rate : DEFAULT_MESSAGES_PER_USER_PER_SECOND * streams.size();
        Thread logins = null;
        // Heartbeats from the first login on, as in connect: logging in 100,000 users takes longer
        // than the server's idle timeout (90 s), and the first ones were closed as idle.
        try (Heartbeats heartbeats = new Heartbeats(session.run, held)) {
            session.loginAll(held);
            logins = Thread.ofVirtual().name("load-trickle").start(() -> trickle(session, loggers));
            session.chat(streams, rate);
        } finally {
            if (logins != null) {
                logins.interrupt();
                logins.join();
            }
            Population.closeAll(session.run, all);
        }
        long drops = session.run.metrics.get(Count.DROPS);
        if (drops > 0) {
            session.fail(drops + " connections dropped");
        }
    }

    private static void trickle(Session session, List<SimUser> loggers) {
        long gapNanos = (long) (1e9 / session.options.loginsPerSecond);
        // A user whose last login and logout have not finished (a busy server takes seconds) is
        // skipped this time: logging in while its logout revokes the token it uses is our race,
        // not a server failure (it showed as errno 1 'wrong token' at 100,000 clients).
        Set<SimUser> busy = ConcurrentHashMap.newKeySet();
        int next = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                TimeUnit.NANOSECONDS.sleep(gapNanos);
                SimUser user = loggers.get(next++ % loggers.size());
                if (!busy.add(user)) {
                    continue;
                }
                Thread.ofVirtual().name("load-trickle-login").start(() -> {
                    try {
                        user.login();
                        user.logout();
                    } catch (IOException e) {
                        // At the end of the run closeAll closes every socket, also under a
                        // trickle login or logout still waiting for its reply: not an error.
                        if (!session.run.isStopping()) {
                            session.run.metrics.error(user + ": " + e.getMessage());
                        }
                        user.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        busy.remove(user);
                    }
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the chat phase is over
        }
    }
}
