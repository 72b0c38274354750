import io.loomchat.store.Database;
import io.loomchat.store.HistoryDao;
import io.loomchat.store.StoreConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The History table at size, on MariaDB/MySQL: fills ROWS messages of CONVERSATIONS
 * conversations in a scratch database through HistoryDao.append in batches of 1,000 rows (what
 * each writer thread of HistoryWriter commits under load, two of them at once), then times
 * QUERIES random pages of 50 through HistoryDao.newestBefore (the exact SQL HISTORY runs), one
 * at a time, and reports the table's bytes per message. The scratch database is dropped at the end.
 *
 * <pre>
 * java -cp target/loomchat.jar loadtest/HistoryBench.java [rows] [queries]
 * </pre>
 * Environment: HISTBENCH_MYSQL_URL (default jdbc:mysql://127.0.0.1:3306/), user root, no password.
 * HISTBENCH_EMBEDDED=1 measures the single server's store instead (embedded H2 and the history
 * store beside it, in a temporary directory deleted at the end); bytes per message are then the
 * store file's size over the messages in it, after the store is closed.
 */
public class HistoryBench {

    private static final String SCHEMA = "loomchat_histbench";
    private static final int CONVERSATIONS = 200;
    private static final int BATCH_ROWS = 1_000;
    private static final int WRITERS = 2;
    private static final int PAGE = 50;
    /** MessageIds: 41 bits of ms since 2024-01-01, 10 of node, 12 of sequence. */
    private static final long EPOCH_MILLIS = 1_704_067_200_000L;

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        String server = System.getenv().getOrDefault("HISTBENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");
        java.nio.file.Path embedded = System.getenv("HISTBENCH_EMBEDDED") == null ? null
                : java.nio.file.Files.createTempDirectory("histbench-");
        StoreConfig config = embedded != null ? new StoreConfig(StoreConfig.embeddedUrl(embedded.resolve("loomchat")), "", "")
                : new StoreConfig(server + SCHEMA, "root", "", 4, Duration.ofSeconds(30));
        if (embedded == null) {
            execute(server, "DROP DATABASE IF EXISTS " + SCHEMA);
            execute(server, "CREATE DATABASE " + SCHEMA + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        try (Database database = Database.open(config)) {
            HistoryDao history = database.history();
            // 30 days of messages, 5,000,000 of them about one every 0.5 s: mids in time order,
            // as the servers make them, each in one of 200 conversations (user pairs and groups).
            long firstMillis = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
            long stepMillis = Math.max(1, Duration.ofDays(30).toMillis() / rows);
            long[] conversations = new long[CONVERSATIONS];
            for (int i = 0; i < CONVERSATIONS; i++) {
                conversations[i] = i % 4 == 0 ? -(i + 1) : ((long) (i + 1) << 32) | (i + 1_000);
            }
            long fillStart = System.nanoTime();
            fill(history, rows, firstMillis, stepMillis, conversations);
            double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
            System.out.printf("filled %,d rows in %.1f s: %,.0f rows/s (%d writers, %,d-row transactions)%n",
                    rows, fillSeconds, rows / fillSeconds, WRITERS, BATCH_ROWS);

            if (embedded == null) {
                execute(server + SCHEMA, "ANALYZE TABLE History");
                long[] size = sizes(server + SCHEMA);
                System.out.printf("rows %,d, data %,d B, index %,d B: %.0f bytes per message%n",
                        size[0], size[1], size[2], (size[1] + size[2]) / (double) size[0]);
            }

            long lastMid = midAt(firstMillis + (rows - 1) * stepMillis);
            long firstMid = midAt(firstMillis);
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < 1_000; i++) { // warm-up: the JIT, the statement cache
                history.newestBefore(conversations[random.nextInt(CONVERSATIONS)], Long.MIN_VALUE, Long.MAX_VALUE, PAGE + 1);
            }
            long[] nanos = new long[queries];
            int rowsRead = 0;
            for (int i = 0; i < queries; i++) {
                long conv = conversations[random.nextInt(CONVERSATIONS)];
                // a quarter ask for the newest page, the rest for a page anywhere in the past
                long before = random.nextInt(4) == 0 ? Long.MAX_VALUE : random.nextLong(firstMid, lastMid + 1);
                long start = System.nanoTime();
                rowsRead += history.newestBefore(conv, Long.MIN_VALUE, before, PAGE + 1).size();
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            System.out.printf("%,d pages of %d (+1 for 'more'), %,d rows read: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    queries, PAGE, rowsRead, nanos[queries / 2] / 1e6, nanos[queries * 99 / 100] / 1e6,
                    nanos[queries - 1] / 1e6);
        } finally {
            if (embedded == null) {
                execute(server, "DROP DATABASE IF EXISTS " + SCHEMA);
            }
        }
        if (embedded != null) {
            long bytes = java.nio.file.Files.size(config.historyStoreFile());
            System.out.printf("history store file %,d B after closing: %.0f bytes per message%n", bytes, bytes / (double) rows);
            try (var files = java.nio.file.Files.walk(embedded)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static void fill(HistoryDao history, int rows, long firstMillis, long stepMillis, long[] conversations)
            throws Exception {
        String text = "a message of an ordinary length, about fifty chars";
        List<Future<?>> batches = new ArrayList<>();
        try (ExecutorService writers = Executors.newFixedThreadPool(WRITERS)) {
            for (int from = 0; from < rows; from += BATCH_ROWS) {
                int first = from;
                int last = Math.min(rows, from + BATCH_ROWS);
                batches.add(writers.submit(() -> {
                    SplittableRandom random = new SplittableRandom(first);
                    List<HistoryDao.Entry> batch = new ArrayList<>(last - first);
                    for (int i = first; i < last; i++) {
                        long millis = firstMillis + i * stepMillis;
                        long mid = midAt(millis) | (i & 4095);
                        long conv = conversations[random.nextInt(conversations.length)];
                        int sender = (int) (conv < 0 ? -conv : conv >>> 32);
                        String frame = conv < 0
                                ? "{\"msgid\":10,\"mid\":" + mid + ",\"id\":" + sender + ",\"name\":\"user-" + sender
                                        + "\",\"groupid\":" + (-conv) + ",\"msg\":\"" + text + "\",\"time\":\"2026-12-06 18:28:59\",\"ts\":" + millis + "}"
                                : "{\"msgid\":6,\"mid\":" + mid + ",\"id\":" + sender + ",\"name\":\"user-" + sender
                                        + "\",\"toid\":" + (conv & 0xffffffffL) + ",\"msg\":\"" + text + "\",\"time\":\"2026-12-06 18:28:59\",\"ts\":" + millis + "}";
                        batch.add(new HistoryDao.Entry(conv, mid, frame));
                    }
                    history.append(batch);
                    return null;
                }));
                if (batches.size() >= 64) { // keep the queue short
                    batches.remove(0).get();
                }
            }
            for (Future<?> batch : batches) {
                batch.get();
            }
        }
    }

    private static long midAt(long millis) {
        return (millis - EPOCH_MILLIS) << 22;
    }

    private static long[] sizes(String url) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             Statement statement = connection.createStatement()) {
            long count;
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM History")) {
                rows.next();
                count = rows.getLong(1);
            }
            try (ResultSet rows = statement.executeQuery("SELECT data_length, index_length FROM information_schema.tables"
                    + " WHERE table_schema = '" + SCHEMA + "' AND table_name = 'History'")) {
                rows.next();
                return new long[] {count, rows.getLong(1), rows.getLong(2)};
            }
        }
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
