package io.loomchat.loadtest.scenario;

import io.loomchat.loadtest.sim.Groups;
import io.loomchat.loadtest.sim.Heartbeats;
import io.loomchat.loadtest.sim.Population;
import io.loomchat.loadtest.sim.SimUser;
import io.loomchat.loadtest.sim.Stream;
import java.util.List;

/** Group chat: groups of --group-size, every member sending to its group; each message fans out to the others. */
final class GroupScenario implements Scenario {

    @Override
    public void run(Session session) throws Exception {
        int size = session.options.groupSize;
        List<SimUser> users = session.register(session.share(session.options.users, size));
        session.progress.phase("groups");
        List<Stream> streams = Groups.form(session.run, users, size);
        session.loginAll(users);
        try (Heartbeats heartbeats = new Heartbeats(session.run, users)) {
            session.chat(streams, session.options.rate);
        } finally {
            Population.closeAll(session.run, users);
        }
    }
}
