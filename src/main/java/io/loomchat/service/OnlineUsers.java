package io.loomchat.service;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions on this server, by user and by mailbox. A user has one session without a device
 * id, or up to the device limit of device sessions (protocol 2.3), never both: the same rule the
 * cluster applies across servers, applied here first so that two logins on one server never
 * both reach Redis.
 */
final class OnlineUsers {

    private static final Seat[] NONE = new Seat[0];

    /** Copy-on-write arrays: deliveries read them on every message, logins change them. */
    private final ConcurrentHashMap<Integer, Seat[]> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Seat> byMailbox = new ConcurrentHashMap<>();

    /** Why a seat was refused. */
    enum Refusal { NONE, ONLY_SESSION_TAKEN, DEVICE_TAKEN, TOO_MANY_DEVICES }

    /**
     * Takes a seat for a session of its user; anything but {@link Refusal#NONE} means the user's
     * sessions here do not allow it.
     */
    Refusal claim(Seat seat, int maxDevices) {
        Refusal[] refusal = {Refusal.NONE};
        byUser.compute(seat.userId(), (id, seats) -> {
            Seat[] current = seats == null ? NONE : seats;
            refusal[0] = refusal(current, seat, maxDevices);
            if (refusal[0] != Refusal.NONE) {
                return seats;
            }
            Seat[] more = Arrays.copyOf(current, current.length + 1);
            more[current.length] = seat;
            byMailbox.put(seat.mailbox(), seat);
            return more;
        });
        return refusal[0];
    }

    private static Refusal refusal(Seat[] current, Seat seat, int maxDevices) {
        if (current.length == 0) {
            return Refusal.NONE;
        }
        if (!seat.hasDevice() || !current[0].hasDevice()) {
            return Refusal.ONLY_SESSION_TAKEN;
        }
        for (Seat other : current) {
            if (other.device().equals(seat.device())) {
                return Refusal.DEVICE_TAKEN;
            }
        }
        return current.length >= maxDevices ? Refusal.TOO_MANY_DEVICES : Refusal.NONE;
    }

    /** Gives up the seat of {@code session}, if it has one; returns how many sessions its user still has here. */
    int release(int userId, UserSession session) {
        int[] left = {0};
        byUser.computeIfPresent(userId, (id, seats) -> {
            List<Seat> kept = new ArrayList<>(seats.length);
            for (Seat seat : seats) {
                if (seat.session() == session) {
                    byMailbox.remove(seat.mailbox(), seat);
                } else {
                    kept.add(seat);
                }
            }
            left[0] = kept.size();
            return kept.isEmpty() ? null : kept.toArray(NONE);
        });
        return left[0];
    }

    /** The user's sessions here (an empty array when none); never modify it. */
    Seat[] seatsOf(int userId) {
        Seat[] seats = byUser.get(userId);
        return seats == null ? NONE : seats;
    }

    /** The session here that takes the messages of a mailbox, or {@code null}. */
    Seat byMailbox(int mailbox) {
        return byMailbox.get(mailbox);
    }

    boolean isOnline(int userId) {
        return byUser.containsKey(userId);
    }

    /** A snapshot of every seat here. */
    List<Seat> seats() {
        return List.copyOf(byMailbox.values());
    }

    /** Users logged in here. */
    int count() {
        return byUser.size();
    }
}
