package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Pairs;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import io.loomchat.loadtest.sim.Typists;
import java.util.List;

/**
 * One-to-one chat between fixed pairs: closed loop (window 1 = the classic benchmark: the next
 * message leaves when the previous one has arrived) or open loop at --rate. With several
 * targets and --cross-server, partners sit on different servers. With --read-state every device
 * also marks what it shows as read and says it is typing every 3 s (protocol 2.3).
 */
final class ChatScenario implements Scenario {

    @Override
    public void run(Session session) throws Exception {
        List<SimUser> users = session.register(session.share(session.options.chatUsers(), 2));
        List<Stream> streams = Pairs.open(session.run, users);
        session.loginAll(users);
        try (Heartbeats heartbeats = new Heartbeats(session.run, users);
             Typists typists = session.options.readState ? new Typists(session.run, users) : null) {
            session.chat(streams, session.options.rate);
        } finally {
            Population.closeAll(session.run, users);
        }
    }
}
