package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.RunContext;
import io.loomchat.loadtest.sim.SimUser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A login storm: --concurrency clients each log in, log out and close, over and over, for
 * --duration. Client c uses users c, c+C, c+2C..., so a user logs in again only after the
 * others of its slice, long after its own logout.
 */
final class LoginScenario implements Scenario {

    @Override
    public void run(Session session) throws Exception {
        int clients = session.options.concurrency;
        List<SimUser> users = session.register(session.share(session.options.users, 1));
        session.progress.phase("storm");
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + session.options.duration.toNanos();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            List<SimUser> mine = new ArrayList<>();
            for (int i = c; i < users.size(); i += clients) {
                mine.add(users.get(i));
            }
            threads.add(Thread.ofVirtual().name("load-login").start(() -> storm(session.run, mine, end)));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        session.measuredSeconds = Session.seconds(System.nanoTime() - start);
        Population.closeAll(session.run, users);
    }

    private static void storm(RunContext run, List<SimUser> mine, long end) {
        int next = 0;
        try {
            while (System.nanoTime() < end && !mine.isEmpty()) {
                SimUser user = mine.get(next++ % mine.size());
                try {
                    user.login();
                    user.logout();
                } catch (IOException e) {
                    run.metrics.error(user + ": " + e.getMessage());
                    user.close();
                    TimeUnit.MILLISECONDS.sleep(10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
