package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.wire.Framing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Forms groups of consecutive users and opens one stream per member to its group. The setup
 * (CREATE_GROUP, ADD_GROUP) needs ACKs, so it runs on short modern logins before the measured
 * clients log in, whatever their framing.
 */
public final class Groups {

    private Groups() {
    }

    /** Groups of {@code size} from {@code users} (a multiple of it); returns every member's stream. */
    public static List<Stream> form(RunContext run, List<SimUser> users, int size) throws IOException, InterruptedException {
        Semaphore inFlight = new Semaphore(Math.max(1, run.options.concurrency / size));
        List<Future<List<Stream>>> groups = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int first = 0; first + size <= users.size(); first += size) {
                List<SimUser> members = users.subList(first, first + size);
                int number = first / size;
                groups.add(pool.submit(() -> {
                    inFlight.acquire();
                    try {
                        return formOne(run, members, run.namePrefix + "-g" + number);
                    } finally {
                        inFlight.release();
                    }
                }));
            }
        }
        List<Stream> streams = new ArrayList<>();
        for (Future<List<Stream>> group : groups) {
            try {
                streams.addAll(group.get());
            } catch (ExecutionException e) {
                throw new IOException("forming a group failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return streams;
    }

    private static List<Stream> formOne(RunContext run, List<SimUser> members, String name)
            throws IOException, InterruptedException {
        // One device per member is enough for the setup (with --devices above 1 it is d0, so that no
        // session without a device id becomes a known device the server keeps messages for).
        SimDevice creator = members.get(0).devices().get(0);
        creator.login(creator.target(), Framing.MODERN);
        int groupId = creator.request("{\"msgid\":8,\"groupname\":\"" + name + "\",\"groupdesc\":\"load test\"}", 8).groupid;
        creator.logout();
        for (SimUser member : members.subList(1, members.size())) {
            SimDevice device = member.devices().get(0);
            device.login(device.target(), Framing.MODERN);
            device.request("{\"msgid\":9,\"groupid\":" + groupId + "}", 9);
            device.logout();
        }
        List<Stream> streams = new ArrayList<>();
        for (SimUser member : members) {
            List<SimUser> others = new ArrayList<>(members);
            others.remove(member);
            Stream stream = run.ledger.open(member, groupId, true, others, run.options.effectiveWindow());
            member.chatsWith(stream);
            streams.add(stream);
        }
        return streams;
    }
}
