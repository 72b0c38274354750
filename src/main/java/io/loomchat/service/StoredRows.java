package io.loomchat.service;

import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessage;
import io.loomchat.store.OfflineMessageDao;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline store's side of one connection: which stored rows its session has been handed,
 * and which rows of a read of the store it has not. A receipts session keeps a handed-over row
 * among its unconfirmed messages (the row stays stored until the client confirms it); any other
 * session deletes it once written ({@link DeleteWhenWritten}) and keeps it in {@link RowsInFlight}
 * until then.
 *
 * <p>The session calls every method but {@link #settled} and {@link #awaitSettled} under its lock,
 * passing its current {@link Unconfirmed} (null without receipts); the reads themselves happen
 * without it.
 */
final class StoredRows {

    private final RowsInFlight inFlight = new RowsInFlight();

    /** Records rows about to be sent and returns the callback of the frame carrying them. */
    OutboundFrame.Callback handOver(OfflineMessageDao store, UserSession session, int mailbox, Unconfirmed unconfirmed,
                                    List<OfflineMessage> rows) {
        if (rows.isEmpty()) {
            return OutboundFrame.Callback.NONE;
        }
        if (unconfirmed != null) {
            for (OfflineMessage row : rows) {
                unconfirmed.add(row.mid(), null, row.id()); // the row is the copy until confirmed
            }
            return OutboundFrame.Callback.NONE;
        }
        List<Long> rowIds = rows.stream().map(OfflineMessage::id).toList();
        inFlight.add(rowIds);
        return new DeleteWhenWritten(store, session, mailbox, rowIds);
    }

    /** Gives back a row that {@link #handOver} recorded but that could not be queued. */
    void notHandedOver(OfflineMessage row, Unconfirmed unconfirmed) {
        if (unconfirmed != null) {
            unconfirmed.forget(List.of(row.mid()));
        } else {
            settled(List.of(row.id()));
        }
    }

    /** Whether an offline row is with the session already: handed over and not deleted, or not confirmed. */
    boolean has(OfflineMessage row, Unconfirmed unconfirmed) {
        return unconfirmed != null ? unconfirmed.contains(row.mid()) : inFlight.contains(row.id());
    }

    /** The value to give {@link #fresh} for a read of the store that starts now. */
    long readStarts() {
        return inFlight.readStarts();
    }

    /**
     * The rows of a read made without the session's lock that the session does not have yet, in
     * order; null when the read may hold rows deleted since it started and must be made again.
     * A receipts session skips rows it confirmed lately (a second stored copy of a message it got
     * live: {@code confirmedAgain} collects them for deletion) and notes that rows were stored
     * while it lived.
     */
    List<OfflineMessage> fresh(List<OfflineMessage> read, long startedAt, Unconfirmed unconfirmed,
                               List<Long> confirmedAgain) {
        if (unconfirmed == null) {
            return inFlight.notHandedOver(read, startedAt);
        }
        List<OfflineMessage> fresh = new ArrayList<>(read.size());
        for (OfflineMessage row : read) {
            // Noted for every row, also one whose message the session got live and has not
            // confirmed yet: its RECEIPT must then delete this row too, or the row would bring
            // the message back at the next login.
            unconfirmed.storedMeanwhile();
            if (unconfirmed.contains(row.mid())) {
                continue;
            }
            if (unconfirmed.wasConfirmed(row.mid())) {
                confirmedAgain.add(row.id());
            } else {
                fresh.add(row);
            }
        }
        return fresh;
    }

    /** The rows are deleted from the store, or given back undelivered (they stay stored for the next login). */
    void settled(List<Long> rowIds) {
        inFlight.settled(rowIds);
    }

    /** Waits until every row handed over is settled; gives up after {@code timeout}. */
    void awaitSettled(Duration timeout) {
        inFlight.awaitSettled(timeout);
    }
}
