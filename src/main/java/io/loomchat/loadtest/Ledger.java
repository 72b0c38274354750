package io.loomchat.loadtest;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every chat stream of the run, so that a recipient can find the stream a delivery belongs to
 * and the end of the run can count what was owed and never arrived.
 */
final class Ledger {

    /**
     * Of the deliveries the server owed (one per owed message and recipient), those that arrived
     * and those that did not ({@code received + lost == owed}); sent messages nobody heard of
     * again; and delivered messages whose ACK has not reached the sender (yet), which are not owed
     * until it does.
     */
    record Shortfall(long received, long lost, long unacknowledged, long owed, long ackPending) {
    }

    private final Map<Long, Stream> streams = new ConcurrentHashMap<>();

    Stream open(SimUser sender, int destination, boolean group, List<SimUser> recipients, int window) {
        Stream stream = new Stream(sender, destination, group, recipients, window);
        if (streams.putIfAbsent(stream.key(), stream) != null) {
            throw new IllegalStateException("user " + sender.id() + " already has a stream to " + destination);
        }
        return stream;
    }

    Stream find(int senderId, int groupId) {
        return streams.get(Stream.key(senderId, groupId));
    }

    Collection<Stream> streams() {
        return streams.values();
    }

    Shortfall shortfall(boolean acknowledgedDialect) {
        long received = 0;
        long lost = 0;
        long unacknowledged = 0;
        long owedTotal = 0;
        long ackPending = 0;
        for (Stream stream : streams.values()) {
            BitSet owed = stream.owed(acknowledgedDialect);
            BitSet heardOf = (BitSet) owed.clone();
            for (SimUser recipient : stream.recipients) {
                BitSet got = recipient.arrivals().of(stream.key());
                heardOf.or(got);
                BitSet missing = (BitSet) owed.clone();
                missing.andNot(got);
                long owedHere = owed.cardinality();
                lost += missing.cardinality();
                received += owedHere - missing.cardinality();
                owedTotal += owedHere;
            }
            BitSet notOwed = stream.sent();
            notOwed.andNot(owed);
            BitSet silent = stream.sent();
            silent.andNot(heardOf);
            unacknowledged += silent.cardinality();
            ackPending += notOwed.cardinality() - silent.cardinality();
        }
        return new Shortfall(received, lost, unacknowledged, owedTotal, ackPending);
    }
}
