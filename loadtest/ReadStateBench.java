import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomchat.store.Conversation;
import io.loomchat.store.Database;
import io.loomchat.store.StoreConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * CONVERSATIONS and FIND_USERS at size on MariaDB/MySQL (issue 22's second and third figures), in
 * three steps that a script runs around a server:
 *
 * <pre>
 * java -cp target/loomchat.jar loadtest/ReadStateBench.java fill DB [users] [messages]
 *     creates database DB (dropped first if it exists) with the server's own schema (Database.open),
 *     and fills it: `users` users (default 1,000,000) with varied, realistic names; user 1,
 *     "reader", password "bench-pw", has 200 conversations (150 one-to-one with users 2..151 and
 *     50 groups of 5 members), which hold `messages` messages (default 5,000,000) spread over
 *     30 days in mid order, with read marks for both sides that leave 0 to 150 messages unread.
 * java -cp target/loomchat.jar loadtest/ReadStateBench.java measure HOST PORT [requests]
 *     logs in as "reader" by name and times, one request at a time after 200 warm-up requests
 *     each, `requests` (default 2,000) CONVERSATIONS with the default limit (50), as many with
 *     limit 200 (all 200 conversations), and as many FIND_USERS with a random 1-3 letter prefix;
 *     prints p50, p90, p99 and max of the time from writing the request to reading its ACK.
 * java -cp target/loomchat.jar loadtest/ReadStateBench.java drop DB
 * </pre>
 * Environment: BENCH_MYSQL_URL (default jdbc:mysql://127.0.0.1:3306/), user root, no password.
 */
public class ReadStateBench {

    private static final String PASSWORD = "bench-pw";
    private static final int PAIRS = 150;
    private static final int GROUPS = 50;
    private static final int GROUP_SIZE = 5;
    /** Users 2..151 are the reader's partners; the groups' other members are taken from 152 on. */
    private static final int FIRST_GROUP_MEMBER = 2 + PAIRS;
    private static final int ROWS_PER_STATEMENT = 1_000;
    private static final int ROWS_PER_TRANSACTION = 10_000;
    /** MessageIds: 41 bits of ms since 2024-01-01, 10 of node, 12 of sequence. */
    private static final long EPOCH_MILLIS = 1_704_067_200_000L;

    private static final String[] FIRST = {
        "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
        "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen",
        "chris", "lisa", "daniel", "nancy", "matthew", "betty", "anthony", "sandra", "mark", "margaret",
        "donald", "ashley", "steven", "kimberly", "paul", "emily", "andrew", "donna", "joshua", "michelle",
        "kevin", "carol", "brian", "amanda", "george", "melissa", "tim", "deborah", "ronald", "stephanie",
        "jason", "rebecca", "ed", "sharon", "jeff", "laura", "ryan", "cynthia", "jacob", "kathleen",
        "gary", "amy", "nick", "angela", "eric", "shirley", "jonathan", "anna", "stephen", "brenda",
        "larry", "pamela", "justin", "emma", "scott", "nicole", "brandon", "helen", "ben", "samantha",
        "sam", "katherine", "greg", "christine", "alex", "debra", "frank", "rachel", "raymond", "carolyn",
        "jack", "janet", "dennis", "maria", "jerry", "olivia", "tyler", "heather", "aaron", "diane",
        "jose", "julie", "adam", "joyce", "nathan", "victoria", "henry", "ruth", "zach", "virginia",
        "douglas", "lauren", "peter", "kelly", "kyle", "christina", "noah", "joan", "ethan", "evelyn",
        "jeremy", "judith", "walter", "andrea", "christian", "hannah", "keith", "megan", "roger", "cheryl",
        "terry", "jacqueline", "austin", "martha", "sean", "madison", "gerald", "teresa", "carl", "gloria",
        "harold", "sara", "dylan", "janice", "arthur", "ann", "lawrence", "kathryn", "jordan", "abigail",
        "jesse", "sophia", "bryan", "frances", "billy", "jean", "bruce", "alice", "gabriel", "judy",
        "joe", "isabella", "logan", "julia", "albert", "grace", "willie", "amber", "alan", "denise",
        "eugene", "danielle", "russell", "marilyn", "vincent", "beverly", "philip", "charlotte", "bobby", "natalie",
        "johnny", "theresa", "bradley", "diana", "roy", "brittany", "ralph", "doris", "yusuf", "kayla",
        "li", "wei", "fatima", "ahmed", "olga", "ivan", "yuki", "hiro", "priya", "raj",
        "zoe", "quentin", "xavier", "ursula", "ines", "oscar", "uma", "vera", "wanda", "xena",
    };
    private static final String[] LAST = {
        "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
        "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
        "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
        "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
        "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts",
        "gomez", "phillips", "evans", "turner", "diaz", "parker", "cruz", "edwards", "collins", "reyes",
        "stewart", "morris", "morales", "murphy", "cook", "rogers", "gutierrez", "ortiz", "morgan", "cooper",
        "peterson", "bailey", "reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson",
        "watson", "brooks", "chavez", "wood", "james", "bennett", "gray", "mendoza", "ruiz", "hughes",
        "price", "alvarez", "castillo", "sanders", "patel", "myers", "long", "ross", "foster", "jimenez",
        "muller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker", "schulz", "hoffmann",
        "dupont", "durand", "lefebvre", "moreau", "laurent", "rossi", "russo", "ferrari", "esposito", "bianchi",
        "kowalski", "nowak", "ivanov", "petrov", "sato", "suzuki", "tanaka", "watanabe", "wang", "zhang",
        "chen", "liu", "yang", "huang", "zhao", "wu", "zhou", "singh", "kumar", "sharma",
        "olsen", "hansen", "jensen", "nielsen", "berg", "lund", "eriksson", "larsson", "virtanen", "korhonen",
        "quinn", "underwood", "vaughn", "york", "zimmerman", "oconnor", "obrien", "xu", "ueda", "quispe",
    };

    public static void main(String[] args) throws Exception {
        String server = System.getenv().getOrDefault("BENCH_MYSQL_URL", "jdbc:mysql://127.0.0.1:3306/");
        switch (args.length > 0 ? args[0] : "") {
            case "fill" -> fill(server, args[1], args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000,
                    args.length > 3 ? Integer.parseInt(args[3]) : 5_000_000);
            case "measure" -> measure(args[1], Integer.parseInt(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 2_000);
            case "drop" -> execute(server, "DROP DATABASE IF EXISTS " + args[1]);
            default -> {
                System.err.println("usage: ReadStateBench fill DB [users] [messages] | measure HOST PORT [requests] | drop DB");
                System.exit(2);
            }
        }
    }

    // ---- fill ----

    private static void fill(String server, String schema, int users, int messages) throws Exception {
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a plain database name, please: " + schema);
        }
        execute(server, "DROP DATABASE IF EXISTS " + schema);
        execute(server, "CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        try (Database database = Database.open(new StoreConfig(server + schema, "root", "", 2, Duration.ofSeconds(30)))) {
            // the server's schema, created by Database.open; the rows go in below, in bulk
        }
        String url = server + schema + "?rewriteBatchedStatements=true&useServerPrepStmts=false";
        long start = System.nanoTime();
        fillUsers(url, users);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "users: %,d in %.1f s (%,.0f rows/s)%n", users, seconds, users / seconds);

        start = System.nanoTime();
        long[] newest = fillHistory(url, messages);
        seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "history: %,d messages in 200 conversations in %.1f s (%,.0f rows/s)%n",
                messages, seconds, messages / seconds);
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             Statement statement = connection.createStatement()) {
            for (String table : List.of("User", "History", "UserConversation", "GroupUser")) {
                statement.execute("ANALYZE TABLE " + table);
            }
            try (ResultSet rows = statement.executeQuery("SELECT table_name, table_rows, data_length, index_length"
                    + " FROM information_schema.tables WHERE table_schema = '" + schema + "' ORDER BY table_name")) {
                while (rows.next()) {
                    System.out.printf(Locale.ROOT, "  %-18s about %,11d rows, data %,15d B, index %,13d B%n",
                            rows.getString(1), rows.getLong(2), rows.getLong(3), rows.getLong(4));
                }
            }
        }
        System.out.printf(Locale.ROOT, "newest mid %d; log in as \"reader\" / \"%s\"%n", newest[0], PASSWORD);
    }

    /** A realistic, unique user name for user {@code i}: first and last names in the shapes people choose. */
    private static String name(SplittableRandom random, Set<String> taken) {
        while (true) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            String name = switch (random.nextInt(9)) {
                case 0 -> first + "." + last;
                case 1 -> first + last;
                case 2 -> first + "_" + last;
                case 3 -> first.charAt(0) + last;
                case 4 -> first + random.nextInt(100, 10_000);
                case 5 -> last + "." + first;
                case 6 -> first + last.charAt(0) + random.nextInt(10, 1_000);
                case 7 -> first.substring(0, 1).toUpperCase(Locale.ROOT) + first.substring(1) + " "
                        + last.substring(0, 1).toUpperCase(Locale.ROOT) + last.substring(1);
                default -> first + "-" + last + "-" + random.nextInt(1, 100);
            };
            if (taken.add(name)) {
                return name;
            }
        }
    }

    private static void fillUsers(String url, int users) throws Exception {
        String hash = hash(PASSWORD, 1_000);
        SplittableRandom random = new SplittableRandom(22);
        Set<String> taken = new HashSet<>(users * 2);
        taken.add("reader");
        try (Connection connection = DriverManager.getConnection(url, "root", "")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET unique_checks = 0");
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO User (id, name, password, state, name_len, name_lower) VALUES (?, ?, ?, 'offline', ?, ?)")) {
                for (int id = 1; id <= users; id++) {
                    String name = id == 1 ? "reader" : name(random, taken);
                    insert.setInt(1, id);
                    insert.setString(2, name);
                    insert.setString(3, hash);
                    insert.setInt(4, name.codePointCount(0, name.length()));
                    insert.setString(5, name.toLowerCase(Locale.ROOT));
                    insert.addBatch();
                    if (id % ROWS_PER_STATEMENT == 0 || id == users) {
                        insert.executeBatch();
                    }
                    if (id % ROWS_PER_TRANSACTION == 0 || id == users) {
                        connection.commit();
                    }
                }
            }
        }
    }

    /**
     * The reader's 200 conversations: friends with the 150 partners, members of 50 groups (with
     * four others each); `messages` messages over 30 days, each in a random conversation, from the
     * reader or the other side at random; then the read marks. Returns {newest mid}.
     */
    private static long[] fillHistory(String url, int messages) throws Exception {
        long[] convs = new long[PAIRS + GROUPS];
        for (int i = 0; i < PAIRS; i++) {
            convs[i] = Conversation.between(1, 2 + i);
        }
        try (Connection connection = DriverManager.getConnection(url, "root", "")) {
            connection.setAutoCommit(false);
            try (PreparedStatement friend = connection.prepareStatement("INSERT INTO Friend (userid, friendid) VALUES (?, ?)");
                 PreparedStatement group = connection.prepareStatement("INSERT INTO AllGroup (id, groupname, groupdesc) VALUES (?, ?, '')");
                 PreparedStatement member = connection.prepareStatement(
                         "INSERT INTO GroupUser (groupid, userid, grouprole, joined_mid) VALUES (?, ?, ?, 0)")) {
                for (int i = 0; i < PAIRS; i++) {
                    friend.setInt(1, 1);
                    friend.setInt(2, 2 + i);
                    friend.addBatch();
                    friend.setInt(1, 2 + i);
                    friend.setInt(2, 1);
                    friend.addBatch();
                }
                friend.executeBatch();
                for (int g = 1; g <= GROUPS; g++) {
                    group.setInt(1, g);
                    group.setString(2, "bench group " + g);
                    group.addBatch();
                    member.setInt(1, g);
                    member.setInt(2, 1);
                    member.setString(3, "normal");
                    member.addBatch();
                    for (int m = 0; m < GROUP_SIZE - 1; m++) {
                        member.setInt(1, g);
                        member.setInt(2, groupMember(g, m));
                        member.setString(3, m == 0 ? "creator" : "normal");
                        member.addBatch();
                    }
                    convs[PAIRS + g - 1] = Conversation.ofGroup(g);
                }
                group.executeBatch();
                member.executeBatch();
            }
            connection.commit();
        }

        long firstMillis = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
        long stepMillis = Math.max(1, Duration.ofDays(30).toMillis() / messages);
        // The last 200 mids of each conversation, to put read marks 0-150 messages from the end.
        long[][] tails = new long[convs.length][200];
        int[] counts = new int[convs.length];
        int writers = 2;
        String text = "a message of an ordinary length, about fifty chars";
        List<Future<?>> pending = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            SplittableRandom random = new SplittableRandom(42);
            List<Object[]> batch = new ArrayList<>(ROWS_PER_TRANSACTION);
            for (int i = 0; i < messages; i++) {
                long millis = firstMillis + i * stepMillis;
                long mid = (millis - EPOCH_MILLIS) << 22 | (i & 4095);
                int c = random.nextInt(convs.length);
                long conv = convs[c];
                int sender;
                String frame;
                if (conv < 0) {
                    int g = (int) -conv;
                    int m = random.nextInt(GROUP_SIZE);
                    sender = m == 0 ? 1 : groupMember(g, m - 1);
                    frame = "{\"msgid\":10,\"mid\":" + mid + ",\"id\":" + sender + ",\"name\":\"user-" + sender
                            + "\",\"groupid\":" + g + ",\"msg\":\"" + text + "\",\"time\":\"2026-12-06 18:28:59\",\"ts\":" + millis + "}";
                } else {
                    int other = (int) conv;
                    boolean mine = random.nextBoolean();
                    sender = mine ? 1 : other;
                    frame = "{\"msgid\":6,\"mid\":" + mid + ",\"id\":" + sender + ",\"name\":\"user-" + sender
                            + "\",\"toid\":" + (mine ? other : 1) + ",\"msg\":\"" + text + "\",\"time\":\"2026-12-06 18:28:59\",\"ts\":" + millis + "}";
                }
                tails[c][counts[c]++ % 200] = mid;
                batch.add(new Object[] {conv, mid, frame, sender});
                if (batch.size() == ROWS_PER_TRANSACTION || i == messages - 1) {
                    List<Object[]> rows = batch;
                    pending.add(pool.submit(() -> {
                        insertHistory(url, rows);
                        return null;
                    }));
                    batch = new ArrayList<>(ROWS_PER_TRANSACTION);
                    if (pending.size() >= 8) {
                        pending.remove(0).get();
                    }
                }
            }
            for (Future<?> future : pending) {
                future.get();
            }
        }

        long newest = 0;
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             PreparedStatement mark = connection.prepareStatement(
                     "INSERT INTO UserConversation (userid, conv, read_mid) VALUES (?, ?, ?)")) {
            connection.setAutoCommit(false);
            SplittableRandom random = new SplittableRandom(7);
            for (int c = 0; c < convs.length; c++) {
                int n = counts[c];
                if (n == 0) {
                    continue;
                }
                newest = Math.max(newest, tails[c][(n - 1) % 200]);
                // The reader has read up to 0-150 messages before the end (0: all read).
                mark.setInt(1, 1);
                mark.setLong(2, convs[c]);
                mark.setLong(3, tailMid(tails[c], n, random.nextInt(151)));
                mark.addBatch();
                if (convs[c] > 0) { // the partner's row and mark, as the history writer makes them
                    mark.setInt(1, (int) convs[c]);
                    mark.setLong(2, convs[c]);
                    mark.setLong(3, tailMid(tails[c], n, random.nextInt(20)));
                    mark.addBatch();
                }
            }
            mark.executeBatch();
            connection.commit();
        }
        return new long[] {newest};
    }

    /** The mid {@code back} messages before the end of a conversation (0 = its newest). */
    private static long tailMid(long[] tail, int count, int back) {
        int index = count - 1 - Math.min(back, Math.min(count - 1, 199));
        return tail[index % 200];
    }

    private static int groupMember(int group, int m) {
        return FIRST_GROUP_MEMBER + (group - 1) * (GROUP_SIZE - 1) + m;
    }

    private static void insertHistory(String url, List<Object[]> rows) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO History (conv, mid, message, sender) VALUES (?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            int n = 0;
            for (Object[] row : rows) {
                insert.setLong(1, (Long) row[0]);
                insert.setLong(2, (Long) row[1]);
                insert.setString(3, (String) row[2]);
                insert.setInt(4, (Integer) row[3]);
                insert.addBatch();
                if (++n % ROWS_PER_STATEMENT == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    private static String hash(String password, int iterations) throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    private static void execute(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url, "root", "");
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    // ---- measure ----

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void measure(String host, int port, int requests) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            JsonNode login = call(in, out, "{\"msgid\":1,\"name\":\"reader\",\"password\":\"" + PASSWORD + "\"}", 2, -1);
            if (login.path("errno").asInt() != 0) {
                throw new IllegalStateException("login refused: " + login);
            }
            System.out.println("logged in as reader, id " + login.path("id").asInt());

            JsonNode all = call(in, out, "{\"msgid\":19,\"limit\":200}", 11, 19);
            int unread = 0;
            int listed = 0;
            for (JsonNode conversation : all.path("conversations")) {
                listed++;
                unread += conversation.path("unread").asInt();
            }
            System.out.printf(Locale.ROOT, "CONVERSATIONS limit 200: %d conversations, %d unread in all; first: %s%n",
                    listed, unread, all.path("conversations").path(0));

            time(in, out, requests, "CONVERSATIONS (default limit 50)", i -> "{\"msgid\":19}", 19, "conversations");
            time(in, out, requests, "CONVERSATIONS limit 200", i -> "{\"msgid\":19,\"limit\":200}", 19, "conversations");
            SplittableRandom random = new SplittableRandom(3);
            String[] prefixes = new String[requests + 200];
            for (int i = 0; i < prefixes.length; i++) {
                int length = 1 + random.nextInt(3);
                StringBuilder prefix = new StringBuilder();
                for (int k = 0; k < length; k++) {
                    prefix.append((char) ('a' + random.nextInt(26)));
                }
                prefixes[i] = prefix.toString();
            }
            long[] nanos = time(in, out, requests, "FIND_USERS, random 1-3 letter prefix",
                    i -> "{\"msgid\":24,\"name\":\"" + prefixes[i] + "\"}", 24, "users");
            for (int length = 1; length <= 3; length++) { // the same requests, by the prefix's length
                List<Long> ofLength = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    if (prefixes[i].length() == length) {
                        ofLength.add(nanos[i]);
                    }
                }
                long[] sorted = ofLength.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf(Locale.ROOT, "  of which %d-letter prefixes: %,d, p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                        length, sorted.length, sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 99 / 100] / 1e6,
                        sorted[sorted.length - 1] / 1e6);
            }
            System.out.println("FIND_USERS \"jo\": " + call(in, out, "{\"msgid\":24,\"name\":\"jo\"}", 11, 24).path("users"));
        }
    }

    private interface RequestText {
        String of(int i);
    }

    /** 200 warm-up requests, then `requests` timed ones, one at a time; prints the percentiles and the mean items per reply, returns the times in request order. */
    private static long[] time(BufferedReader in, OutputStream out, int requests, String what, RequestText request,
                               int ack, String items) throws Exception {
        for (int i = 0; i < 200; i++) {
            call(in, out, request.of(requests + i), 11, ack);
        }
        long[] nanos = new long[requests];
        long found = 0;
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            JsonNode reply = call(in, out, request.of(i), 11, ack);
            nanos[i] = System.nanoTime() - start;
            if (reply.path("errno").asInt() != 0) {
                throw new IllegalStateException(what + " refused: " + reply);
            }
            found += reply.path(items).size();
        }
        long[] inOrder = nanos.clone();
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%s: %,d requests, %.1f %s per reply: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                what, requests, found / (double) requests, items, nanos[requests / 2] / 1e6, nanos[requests * 9 / 10] / 1e6,
                nanos[requests * 99 / 100] / 1e6, nanos[requests - 1] / 1e6);
        return inOrder;
    }

    /** Writes one frame and reads frames until the reply (msgid `replyType`, and for an ACK `ack`), skipping the rest. */
    private static JsonNode call(BufferedReader in, OutputStream out, String frame, int replyType, int ack) throws Exception {
        out.write((frame + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("the server closed the connection");
            }
            JsonNode reply = JSON.readTree(line);
            if (reply.path("msgid").asInt() == replyType && (ack < 0 || reply.path("ack").asInt() == ack)) {
                return reply;
            }
        }
    }
}
