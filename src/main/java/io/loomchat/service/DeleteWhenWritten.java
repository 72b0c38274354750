package io.loomchat.service;

import io.loomchat.server.OutboundFrame;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.store.StoreException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes offline messages by row id once the frame carrying them (a login ack, or a pushed
 * message) has been written. Until then they stay stored, so a connection that dies first
 * loses nothing: the rows come again at the next login.
 */
final class DeleteWhenWritten implements OutboundFrame.Callback {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteWhenWritten.class);

    private final OfflineMessageDao store;
    private final UserSession session;
    private final int userId;
    private final List<Long> rowIds;
    private final ChatMetrics metrics;

    DeleteWhenWritten(OfflineMessageDao store, UserSession session, int userId, List<Long> rowIds) {
        this.metrics = session.metrics();
        this.store = store;
        this.session = session;
        this.userId = userId;
        this.rowIds = rowIds;
    }

    @Override
    public void written() {
        try {
            store.delete(userId, rowIds);
            metrics.offlineDelivered(rowIds.size());
        } catch (StoreException e) {
            LOG.warn("{} offline messages of user {} were delivered but not deleted, they will come again: {}",
                    rowIds.size(), userId, e.getMessage());
        } finally {
            session.settled(rowIds);
        }
    }

    /** Not written: the rows stay stored for the next login. */
    @Override
    public void undelivered() {
        session.settled(rowIds);
    }
}
