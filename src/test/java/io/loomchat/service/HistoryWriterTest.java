package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.store.Database;
import io.loomchat.store.HistoryDao;
import io.loomchat.testing.Await;
import io.loomchat.testing.PrivateMariaDb;
import io.loomchat.testing.Backend;
import io.loomchat.testing.OpenDatabase;
import io.loomchat.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The group-commit writer and the retention job over a real (embedded) database. */
class HistoryWriterTest {

    private static final int SENDERS = 64;
    private static final int MESSAGES_EACH = 50;

    @RegisterExtension
    final OpenDatabase db = new OpenDatabase(Backend.H2);

    /**
     * On MariaDB a sender goes on once its row is committed; on the embedded file (commits not
     * durable) once it is queued, and a reader that awaits what was written sees it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentSendersShareCommitsAndEveryRowIsReadableOnceItsSenderGoesOn(Backend backend) throws Exception {
        try (TestDatabase own = backend == Backend.H2 ? null : TestDatabase.create(backend);
             Database onBackend = own == null ? null : Database.open(own.config())) {
            assertEquals(backend == Backend.MYSQL, (onBackend == null ? db.database() : onBackend).history().durableCommits());
            concurrentSenders((onBackend == null ? db.database() : onBackend).history());
        }
    }

    private static void concurrentSenders(HistoryDao dao) throws Exception {
        MessageIds ids = new MessageIds(1);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> senders = new ArrayList<>();
        try (HistoryWriter writer = new HistoryWriter(dao, HistoryWriter.writersFor(dao));
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int sender = 1; sender <= SENDERS; sender++) {
                long conv = sender;
                senders.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < MESSAGES_EACH; i++) {
                        long mid = ids.next();
                        writer.write(new HistoryDao.Entry(conv, mid, "{\"mid\":" + mid + "}"));
                        writer.awaitWritten(); // nothing to wait for when senders wait for their commits
                        assertEquals(mid, dao.newestBefore(conv, Long.MIN_VALUE, Long.MAX_VALUE, 1).get(0).mid());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> sender : senders) {
                sender.get();
            }
            long rows = (long) SENDERS * MESSAGES_EACH;
            assertEquals(rows, writer.rowsWritten());
            assertEquals(rows, dao.size());
            assertTrue(writer.commits() < rows, writer.commits() + " commits for " + rows + " rows: no batching");
        }
    }

    @Test
    void writingTheSameMessageTwiceKeepsOneRow() {
        try (HistoryWriter writer = new HistoryWriter(db.database().history(), 1)) {
            HistoryDao.Entry entry = new HistoryDao.Entry(7, 42, "{\"mid\":42}");
            writer.write(entry);
            writer.write(entry);
        }
        assertEquals(1, countRows());
    }

    @Test
    void aClosedWriterRefusesAndWhatWasQueuedIsWritten() {
        HistoryWriter writer = new HistoryWriter(db.database().history(), 1);
        writer.write(new HistoryDao.Entry(7, 1, "{}"));
        writer.close();
        assertThrows(IllegalStateException.class, () -> writer.write(new HistoryDao.Entry(7, 2, "{}")));
        assertEquals(1, countRows());
    }

    @Test
    void whileTheDatabaseIsAwaySendersGoOnAndTheRowsAreWrittenWhenItIsBack() throws Exception {
        try (PrivateMariaDb mariadb = PrivateMariaDb.start()) {
            try (Database away = Database.open(mariadb.storeConfig(Duration.ofSeconds(1)))) {
                HistoryWriter writer = new HistoryWriter(away.history(), 2);
                try {
                    writer.write(new HistoryDao.Entry(9, 1, "{}"));
                    mariadb.kill();
                    long started = System.nanoTime();
                    for (int mid = 2; mid <= 50; mid++) {
                        writer.write(new HistoryDao.Entry(9, mid, "{}")); // returns: the chat goes on
                    }
                    assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(),
                            "only the first failure waits for the database");
                    mariadb.startDaemon();
                    // The writer retries on its own, once a second.
                    Await.until(Duration.ofSeconds(30), "every row kept during the outage written once it is back",
                            () -> pageSize(away) == 50);
                } finally {
                    writer.close();
                }
            }
        }
    }

    private static int pageSize(Database database) {
        try {
            return database.history().newestBefore(9, 0, Long.MAX_VALUE, 200).size();
        } catch (RuntimeException e) {
            return 0; // not back yet
        }
    }

    @Test
    void theRetentionJobDeletesInBatchesUntilNothingExpiredIsLeft() {
        long now = System.currentTimeMillis();
        long old = MessageIds.firstMidAt(now - Duration.ofDays(10).toMillis());
        long young = MessageIds.firstMidAt(now - Duration.ofDays(1).toMillis());
        List<HistoryDao.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            entries.add(new HistoryDao.Entry(i % 3, old + i, "{}"));
            entries.add(new HistoryDao.Entry(i % 3, young + i, "{}"));
        }
        db.database().history().append(entries);
        HistoryPolicy policy = new HistoryPolicy(Duration.ofDays(5), Duration.ofMinutes(1), 3, Duration.ZERO);
        HistoryRetention retention = new HistoryRetention(db.database().history(), policy, () -> now);
        assertEquals(10, retention.sweep(), "four DELETEs of at most 3 rows");
        assertEquals(10, countRows());
        assertEquals(0, retention.sweep());
    }

    private long countRows() {
        return db.database().history().size();
    }
}
