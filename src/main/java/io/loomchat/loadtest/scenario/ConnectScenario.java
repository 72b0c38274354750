package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.SimUser;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Ramps to --users logged-in clients at --ramp per second and holds them for --duration with
 * PING heartbeats. Every connection the server ends is a drop, and any drop fails the run; so
 * does a PING the server never answered (counted after the PONGs in flight have come back).
 */
final class ConnectScenario implements Scenario {

    @Override
    public void run(Session session) throws Exception {
        List<SimUser> users = session.register(session.share(session.options.users, 1));
        try (Heartbeats heartbeats = new Heartbeats(session.run, users)) {
            session.loginAll(users);
            session.progress.phase("hold");
            long start = System.nanoTime();
            TimeUnit.NANOSECONDS.sleep(session.options.duration.toNanos());
            session.measuredSeconds = Session.seconds(System.nanoTime() - start);
        } finally {
            Population.closeAll(session.run, users);
        }
        long drops = session.run.metrics.get(Count.DROPS);
        if (drops > 0) {
            session.fail(drops + " connections dropped");
        }
        long unanswered = session.run.metrics.get(Count.PINGS_UNANSWERED);
        if (unanswered > 0) {
            session.fail(unanswered + " PINGs never answered by a PONG on connections still open");
        }
        long failedLogins = session.run.metrics.get(Count.LOGIN_FAILURES);
        if (failedLogins > 0) {
            session.fail(failedLogins + " logins failed");
        }
    }
}
