package io.loomchat.loadtest;

import java.util.List;

/**
 * One-to-one chat between fixed pairs: closed loop (window 1 = the classic benchmark: the next
 * message leaves when the previous one has arrived) or open loop at --rate. With several
 * targets and --cross-server, partners sit on different servers.
 */
final class ChatScenario implements Scenario {

    @Override
    public void run(Session session) throws Exception {
        List<SimUser> users = session.register(session.share(session.options.chatUsers(), 2));
        List<Stream> streams = Pairs.open(session.run, users);
        session.loginAll(users);
        try (Heartbeats heartbeats = new Heartbeats(session.run, users)) {
            session.chat(streams, session.options.rate);
        } finally {
            Population.closeAll(session.run, users);
        }
    }
}
