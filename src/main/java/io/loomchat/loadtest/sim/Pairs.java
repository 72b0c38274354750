package io.loomchat.loadtest.sim;

import java.util.ArrayList;
import java.util.List;

/** Fixed one-to-one partners: users 2k and 2k+1 chat with each other, both directions unless --one-way. */
public final class Pairs {

    private Pairs() {
    }

    /** Opens the two streams of every pair in {@code users} (an even number) and returns them. */
    public static List<Stream> open(RunContext run, List<SimUser> users) {
        List<Stream> streams = new ArrayList<>(users.size());
        int window = run.options.effectiveWindow();
        for (int k = 0; k + 1 < users.size(); k += 2) {
            SimUser a = users.get(k);
            SimUser b = users.get(k + 1);
            streams.add(open(run, a, b, window));
            if (!run.options.oneWay) {
                streams.add(open(run, b, a, window));
            }
        }
        return streams;
    }

    private static Stream open(RunContext run, SimUser from, SimUser to, int window) {
        Stream stream = run.ledger.open(from, to.id(), false, List.of(to), window);
        from.chatsWith(stream);
        return stream;
    }
}
