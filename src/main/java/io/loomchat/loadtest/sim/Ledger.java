package io.loomchat.loadtest.sim;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every chat stream of the run, so that a recipient can find the stream a delivery belongs to
 * and the end of the run can count what was owed and never arrived. What is owed is counted per
 * device (protocol 2.3: each device has its own copy): every device of every recipient is owed
 * each acknowledged message, and, with several devices per user, each of the sender's devices
 * but the one that sent it is owed its carbon. With one device per user that is one copy per
 * recipient, as before devices.
 */
public final class Ledger {

    /**
     * Of the copies the server owed (one per owed message and recipient device, and per carbon),
     * those that arrived and those that did not ({@code received + lost == owed}), the carbons'
     * share of both; sent messages nobody heard of again; and delivered messages whose ACK has not
     * reached the sender (yet), which are not owed until it does.
     */
    public record Shortfall(long received, long lost, long unacknowledged, long owed, long ackPending,
                     long carbonsReceived, long carbonsLost) {
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

    public Shortfall shortfall(boolean acknowledgedDialect) {
        Tally copies = new Tally();
        Tally carbons = new Tally();
        long unacknowledged = 0;
        long ackPending = 0;
        for (Stream stream : streams.values()) {
            BitSet owed = stream.owed(acknowledgedDialect);
            BitSet heardOf = (BitSet) owed.clone();
            for (SimUser recipient : stream.recipients) {
                for (SimDevice device : recipient.devices()) {
                    if (owes(device, recipient)) {
                        copies.add(owed, device.arrivals().of(stream.key()), heardOf);
                    }
                }
            }
            List<SimDevice> senders = stream.sender.devices();
            for (int d = 0; senders.size() > 1 && d < senders.size(); d++) {
                if (owes(senders.get(d), stream.sender)) {
                    carbons.add(stream.carbonsOwed(acknowledgedDialect, d), senders.get(d).arrivals().of(stream.key()), heardOf);
                }
            }
            BitSet notOwed = stream.sent();
            notOwed.andNot(owed);
            BitSet silent = stream.sent();
            silent.andNot(heardOf);
            unacknowledged += silent.cardinality();
            ackPending += notOwed.cardinality() - silent.cardinality();
        }
        return new Shortfall(copies.received + carbons.received, copies.lost + carbons.lost, unacknowledged,
                copies.owed + carbons.owed, ackPending, carbons.received, carbons.lost);
    }

    /**
     * Whether the server owes a device its copies. With devices (protocol 2.3) a device the server
     * has never seen is not known, and nothing is kept for it: a device session that never logged
     * in during the run (a first-round login that failed for good) is owed nothing. Without device
     * ids every user is owed, logged in or not: the server keeps their messages either way.
     */
    private static boolean owes(SimDevice device, SimUser user) {
        return user.devices().size() == 1 || device.everLoggedIn();
    }

    /** Owed copies of one kind, and how many of them one device got. */
    private static final class Tally {
        long owed;
        long received;
        long lost;

        /** One device owed {@code owed} got {@code got}; what it got goes into {@code heardOf}. */
        void add(BitSet owed, BitSet got, BitSet heardOf) {
            heardOf.or(got);
            BitSet missing = (BitSet) owed.clone();
            missing.andNot(got);
            long owedHere = owed.cardinality();
            long missingHere = missing.cardinality();
            this.owed += owedHere;
            lost += missingHere;
            received += owedHere - missingHere;
        }
    }
}
