package io.loomchat.store;

import io.loomchat.store.MessageKeyType.Key;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single server's history in a store of its own: one sorted map from (conversation, mid) to
 * (sender, frame), in a file beside the embedded database ({@link StoreConfig#historyStoreFile}).
 * The map is an MVStore, the storage engine under H2 and in the H2 jar already, used directly.
 *
 * <p>Why not the History table in H2's history file, as before: every message inserted there
 * went through SQL, a row map and a (conv, mid) index compared through H2's generic values, an
 * undo log, and a commit that visits each row again. Under 100 chatting pairs the history writers
 * took 46% of a single server's samples, and history on kept 75% of the throughput without it
 * (loadtest/results/2026-12-07-embedded-history-store.md). Here a message is one insert into one
 * B-tree whose keys compare as two longs; a page of a conversation is one backward range of it,
 * and a conversation's newest message one step back from its end.
 *
 * <p>Durability is the history file's: the store writes what changed every
 * {@link StoreConfig#HISTORY_WRITE_DELAY_MILLIS} ms, so a kill -9 loses at most that last
 * fraction of a second of history (never a message: those are delivered or in the offline store).
 * After a crash the store opens at its last complete write. UserConversation, which CONVERSATIONS
 * lists, stays a table of the history file, written before the messages that need it.
 */
final class StoredHistoryRows implements HistoryRows {

    private static final Logger LOG = LoggerFactory.getLogger(StoredHistoryRows.class);
    private static final String MAP = "history";
    /** The frame follows the sender's id, four bytes, in each value. */
    private static final int SENDER_BYTES = Integer.BYTES;
    /** Rows read per statement when moving an older version's History table into the store. */
    private static final int MOVE_CHUNK = 10_000;

    private final MVStore store;
    private final MVMap<Key, byte[]> messages;
    /** The history file's connections, for UserConversation. */
    private final Sql sql;
    /** Where the retention's next call goes on (null: the first conversation). Only the retention job uses it. */
    private volatile Key retentionResume;

    private StoredHistoryRows(MVStore store, Sql sql) {
        this.store = store;
        this.sql = sql;
        this.messages = store.openMap(MAP, new MVMap.Builder<Key, byte[]>()
                .keyType(MessageKeyType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    /**
     * Opens the store at {@code file} (null: in memory), and moves into it the History table an
     * older version kept in the history file, if there is one.
     */
    static StoredHistoryRows open(Path file, Sql sql) {
        MVStore store;
        try {
            MVStore.Builder builder = new MVStore.Builder();
            if (file != null) {
                builder.fileName(file.toString());
            }
            store = builder.open();
            store.setAutoCommitDelay(StoreConfig.HISTORY_WRITE_DELAY_MILLIS);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the history store " + file, e);
        }
        StoredHistoryRows rows = new StoredHistoryRows(store, sql);
        try {
            rows.moveHistoryTable();
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        return rows;
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public void append(List<HistoryDao.Entry> entries, Set<Long> newConversations) {
        if (!newConversations.isEmpty()) {
            sql.withConnection("cannot list " + newConversations.size() + " new conversations", connection -> {
                Sql.inTransaction(connection, () -> SqlHistoryRows.index(connection, newConversations));
                return null;
            });
        }
        try {
            for (HistoryDao.Entry entry : entries) {
                messages.putIfAbsent(new Key(entry.conv(), entry.mid()), value(entry.sender(), entry.json()));
            }
        } catch (RuntimeException e) {
            throw failed("cannot write " + entries.size() + " messages to the history", e);
        }
    }

    @Override
    public List<HistoryDao.Entry> newestBefore(long conv, long afterMid, long beforeMid, int limit) {
        List<HistoryDao.Entry> page = new ArrayList<>();
        if (beforeMid == Long.MIN_VALUE || afterMid == Long.MAX_VALUE || beforeMid - 1 <= afterMid || limit <= 0) {
            return page;
        }
        try {
            Cursor<Key, byte[]> cursor = messages.cursor(new Key(conv, beforeMid - 1), new Key(conv, afterMid + 1), true);
            while (page.size() < limit && cursor.hasNext()) {
                Key key = cursor.next();
                page.add(new HistoryDao.Entry(conv, key.mid(), frame(cursor.getValue()), sender(cursor.getValue())));
            }
        } catch (RuntimeException e) {
            throw failed("cannot read the history of conversation " + conv, e);
        }
        return page;
    }

    @Override
    public void delete(long conv, long mid) {
        try {
            messages.remove(new Key(conv, mid));
        } catch (RuntimeException e) {
            throw failed("cannot delete message " + mid + " from the history", e);
        }
    }

    /**
     * Conversation by conversation, the messages at the start of each (the oldest: mids grow with
     * time) until one young enough, then on to the next conversation. A call goes on where the
     * previous one stopped ({@link #retentionResume}), so a sweep that takes many calls walks
     * the conversations once, not once per call; reaching the end starts the next call from the
     * first conversation again, and a call that ends there returns fewer than {@code maxRows},
     * which ends the sweep (HistoryRetention).
     */
    @Override
    public int deleteOlderThan(long mid, int maxRows) {
        int deleted = 0;
        try {
            Key key = retentionResume != null ? messages.ceilingKey(retentionResume) : messages.firstKey();
            while (key != null && deleted < maxRows) {
                if (key.mid() < mid) {
                    messages.remove(key);
                    deleted++;
                    key = messages.higherKey(key);
                } else {
                    key = messages.higherKey(new Key(key.conv(), Long.MAX_VALUE));
                }
            }
            retentionResume = key;
        } catch (RuntimeException e) {
            throw failed("cannot delete expired history", e);
        }
        return deleted;
    }

    @Override
    public List<ConversationDao.Newest> newest(List<Long> convs) {
        List<ConversationDao.Newest> newest = new ArrayList<>(convs.size());
        try {
            for (long conv : convs) {
                Key last = messages.floorKey(new Key(conv, Long.MAX_VALUE));
                if (last != null && last.conv() == conv) {
                    newest.add(new ConversationDao.Newest(conv, last.mid()));
                }
            }
        } catch (RuntimeException e) {
            throw failed("cannot read the newest of " + convs.size() + " conversations", e);
        }
        return newest;
    }

    @Override
    public Map<Long, String> messages(List<ConversationDao.Newest> wanted) {
        Map<Long, String> frames = new HashMap<>();
        try {
            for (ConversationDao.Newest message : wanted) {
                byte[] value = messages.get(new Key(message.conv(), message.mid()));
                if (value != null) {
                    frames.put(message.conv(), frame(value));
                }
            }
        } catch (RuntimeException e) {
            throw failed("cannot read " + wanted.size() + " messages of the history", e);
        }
        return frames;
    }

    @Override
    public Map<Long, Integer> unread(Map<Long, Long> afterMid, int userId, int cap) {
        Map<Long, Integer> counts = new HashMap<>();
        try {
            for (Map.Entry<Long, Long> conversation : afterMid.entrySet()) {
                long conv = conversation.getKey();
                long after = conversation.getValue();
                if (after == Long.MAX_VALUE) {
                    continue;
                }
                int count = 0;
                Cursor<Key, byte[]> cursor = messages.cursor(new Key(conv, after + 1), new Key(conv, Long.MAX_VALUE), false);
                while (count < cap && cursor.hasNext()) {
                    cursor.next();
                    if (sender(cursor.getValue()) != userId) {
                        count++;
                    }
                }
                if (count > 0) {
                    counts.put(conv, count);
                }
            }
        } catch (RuntimeException e) {
            throw failed("cannot count the unread messages of user " + userId, e);
        }
        return counts;
    }

    @Override
    public long size() {
        return messages.sizeAsLong();
    }

    /** Writes what changed and closes the file. */
    @Override
    public void close() {
        if (!store.isClosed()) {
            store.close();
        }
    }

    private static byte[] value(int sender, String json) {
        byte[] frame = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(SENDER_BYTES + frame.length).putInt(sender).put(frame).array();
    }

    private static int sender(byte[] value) {
        return ByteBuffer.wrap(value).getInt();
    }

    private static String frame(byte[] value) {
        return new String(value, SENDER_BYTES, value.length - SENDER_BYTES, StandardCharsets.UTF_8);
    }

    private static StoreException failed(String what, RuntimeException e) {
        return e instanceof StoreException stored ? stored : new StoreException(what, e);
    }

    /**
     * An older version kept the single server's history in a History table of the history file:
     * its rows are copied into the store, the store written to disk, and only then the table
     * dropped. A server stopped half way copies again at its next start (a message already in the
     * store is left as it is), so nothing is lost.
     */
    private void moveHistoryTable() {
        long moved = sql.withConnection("cannot move the history table into the history store", connection -> {
            if (!SchemaUpgrade.tableExists(connection, "History")) {
                return -1L;
            }
            long copied = 0;
            long afterMid = Long.MIN_VALUE;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT conv, mid, message, sender FROM History WHERE mid > ? ORDER BY mid LIMIT " + MOVE_CHUNK)) {
                while (true) {
                    select.setLong(1, afterMid);
                    int rows = 0;
                    try (ResultSet row = select.executeQuery()) {
                        while (row.next()) {
                            afterMid = row.getLong(2);
                            messages.putIfAbsent(new Key(row.getLong(1), afterMid), value(row.getInt(4), row.getString(3)));
                            rows++;
                        }
                    }
                    copied += rows;
                    if (rows < MOVE_CHUNK) {
                        break;
                    }
                }
            }
            store.commit();
            store.sync(); // on disk before the table goes
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE History");
            }
            return copied;
        });
        if (moved >= 0) {
            LOG.info("moved {} messages from the history table of an older version into the history store", moved);
        }
    }
}
