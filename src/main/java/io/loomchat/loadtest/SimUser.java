package io.loomchat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One simulated user: its account, its current connection, what it sends and what it received.
 * Every scenario drives its users through this class, so registering, logging in, chatting and
 * counting work the same way in all of them.
 */
final class SimUser implements LoadConnection.Listener {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private static final int LOGIN_ACK = MessageType.LOGIN_ACK.code();
    private static final int ONE_CHAT = MessageType.ONE_CHAT.code();
    private static final int GROUP_CHAT = MessageType.GROUP_CHAT.code();
    private static final int RECEIPT = MessageType.RECEIPT.code();

    final int index;
    final String name;
    private final RunContext run;
    private final Arrivals arrivals = new Arrivals();
    /** What a receipts session drops as already seen; kept across this user's sessions. */
    private final MidWindow seen = new MidWindow();
    /** The current receipts session's unconfirmed mids; null while the session has no receipts. */
    private volatile ReceiptBatch receiptBatch;
    private volatile int id;
    private volatile LoadConnection connection;
    private volatile InetSocketAddress target;
    /** Resume token of the last login (modern dialect), so a reconnect skips password hashing. */
    private volatile String token;
    private volatile long lastSentNanos;
    /** When the user last logged in again after a drop; 0 before any drop. */
    private volatile long reloggedAtNanos;
    private volatile Stream oneToOne;
    private volatile Stream group;

    SimUser(RunContext run, int index) {
        this.run = run;
        this.index = index;
        this.name = run.namePrefix + "-" + index;
    }

    int id() {
        return id;
    }

    Arrivals arrivals() {
        return arrivals;
    }

    void chatsWith(Stream stream) {
        if (stream.group) {
            group = stream;
        } else {
            oneToOne = stream;
        }
    }

    boolean isConnected() {
        LoadConnection current = connection;
        return current != null && current.isOpen();
    }

    long lastSentNanos() {
        return lastSentNanos;
    }

    long reloggedAtNanos() {
        return reloggedAtNanos;
    }

    InetSocketAddress target() {
        return target != null ? target : run.plan.targetOf(index);
    }

    /** Registers this user over {@code setup} (a modern connection that may serve many registrations). */
    void register(LoadConnection setup) throws IOException, InterruptedException {
        Frame ack = setup.call("{\"msgid\":4,\"name\":\"" + name + "\",\"password\":\"" + run.password + "\"}",
                frame -> frame.msgid == MessageType.REGISTER_ACK.code(), REPLY_TIMEOUT);
        if (ack.errno != 0) {
            throw new IOException("registration of " + name + " refused: " + ack);
        }
        id = ack.id;
        run.metrics.add(Count.REGISTRATIONS);
    }

    /** Opens a connection to {@code to} in {@code framing} and logs in; the connection stays this user's. */
    void login(InetSocketAddress to, Framing framing) throws IOException, InterruptedException {
        LoadConnection opened = run.transport.open(to, run.plan.sourceOf(index), framing, this, run.options.clientTls());
        String credential = token != null && framing == Framing.MODERN
                ? "\"token\":\"" + token + "\"" : "\"password\":\"" + run.password + "\"";
        String receipts = run.receipts && framing == Framing.MODERN ? ",\"receipts\":true" : "";
        long start = System.nanoTime();
        Frame ack;
        try {
            ack = opened.call("{\"msgid\":1,\"id\":" + id + "," + credential + receipts + "}",
                    frame -> frame.msgid == LOGIN_ACK, REPLY_TIMEOUT);
        } catch (IOException | InterruptedException e) {
            opened.close();
            run.metrics.add(Count.LOGIN_FAILURES);
            throw e;
        }
        if (ack.errno != 0) {
            opened.close();
            run.metrics.add(Count.LOGIN_FAILURES);
            if (token != null && ack.errno == Errno.INVALID_CREDENTIALS.code()) {
                token = null; // expired or revoked: the next attempt uses the password
            }
            throw new LoginRefusedException(name + " (id " + id + ") could not log in: " + ack, ack.errno);
        }
        run.metrics.record(Latency.LOGIN, System.nanoTime() - start);
        run.metrics.add(Count.LOGINS);
        run.metrics.connected();
        if (ack.token != null) {
            token = ack.token;
        }
        target = to;
        lastSentNanos = System.nanoTime();
        connection = opened;
    }

    void login() throws IOException, InterruptedException {
        login(target(), run.framing);
    }

    /** After a drop: logs in again and notes when, for the failover's recovery time. */
    void loginAgain(InetSocketAddress to) throws IOException, InterruptedException {
        login(to, run.framing);
        reloggedAtNanos = System.nanoTime();
        run.metrics.add(Count.RECONNECTS);
        RecoveryWatch recovery = run.recovery();
        if (recovery != null) {
            recovery.loggedInAgain(this, reloggedAtNanos);
        }
    }

    /**
     * Logs out (waiting for the ACK in the modern dialect) and closes the connection. A receipts
     * session first confirms what it got (PROTOCOL.md: a RECEIPT before LOGINOUT).
     */
    void logout() throws IOException, InterruptedException {
        LoadConnection current = connection;
        if (current == null) {
            return;
        }
        ReceiptBatch batch = receiptBatch;
        if (batch != null && batch.connection() == current) {
            batch.seal();
        }
        if (current.framing().acknowledged()) {
            current.call("{\"msgid\":3}", frame -> frame.isAckOf(MessageType.LOGOUT.code()), REPLY_TIMEOUT);
        }
        token = null; // LOGINOUT revoked it: a wrong token would count as a failed login
        close();
    }

    /** Sends a request of the setup phases (create or join a group) and returns its ACK. */
    Frame request(String json, int msgid) throws IOException, InterruptedException {
        LoadConnection current = requireConnection();
        Frame ack = current.call(json, frame -> frame.isAckOf(msgid), REPLY_TIMEOUT);
        if (ack.errno != 0) {
            throw new IOException(name + ": request " + json + " refused: " + ack);
        }
        return ack;
    }

    /** Sends the next message of {@code stream}; its number and send time travel in the text. */
    void sendChat(Stream stream, String padding) throws IOException {
        LoadConnection current = requireConnection();
        long now = System.nanoTime();
        long number = stream.nextNumber(now);
        String text = number + " " + now + " " + padding;
        StringBuilder json = new StringBuilder(text.length() + 64);
        json.append("{\"msgid\":").append(stream.group ? GROUP_CHAT : ONE_CHAT);
        if (current.framing().acknowledged()) {
            json.append(",\"seq\":").append(number);
        } else {
            json.append(",\"id\":").append(id); // as the classic client writes it
        }
        json.append(stream.group ? ",\"groupid\":" : ",\"toid\":").append(stream.destination)
                .append(",\"msg\":\"").append(text).append("\"}");
        current.send(json.toString());
        run.metrics.add(Count.SENT);
        lastSentNanos = now;
    }

    void ping() throws IOException {
        requireConnection().send("{\"msgid\":12}");
        run.metrics.add(Count.PINGS);
        lastSentNanos = System.nanoTime();
    }

    private LoadConnection requireConnection() throws IOException {
        LoadConnection current = connection;
        if (current == null) {
            throw new IOException(name + " is not connected");
        }
        return current;
    }

    /** Closes the connection on purpose (not a drop). */
    void close() {
        LoadConnection current = connection;
        connection = null;
        if (current != null) {
            current.close();
            run.metrics.disconnected();
        }
    }

    @Override
    public void onFrame(LoadConnection from, Frame frame) {
        switch (frame.msgid) {
            case 6, 10 -> delivered(from, frame, System.nanoTime());
            case 11 -> acknowledged(frame);
            case 2 -> loggedIn(from, frame);
            case 13 -> run.metrics.add(Count.PONGS);
            case 5, 14, 16, 17 -> {
                // Registration replies are taken by call(); presence and roster pushes are not
                // what the load test measures.
            }
            default -> run.metrics.error(name + ": unexpected frame " + frame);
        }
    }

    @Override
    public void onDropped(LoadConnection from, Exception cause) {
        if (connection != from) {
            return; // a connection that never finished logging in, or one already replaced
        }
        connection = null;
        run.metrics.disconnected();
        if (run.isStopping()) {
            return;
        }
        run.metrics.drop(this + ": " + cause);
        run.dropPolicy().onDropped(this, cause);
    }

    /**
     * A login ack, seen before login() gets it: whether the session confirms what it gets is
     * settled here, before the offline messages in it and the pages after it.
     */
    private void loggedIn(LoadConnection from, Frame ack) {
        if (ack.errno != 0) {
            return;
        }
        if (ack.receipts && run.receipts) {
            receiptBatch = new ReceiptBatch(from, run.metrics);
            run.metrics.add(Count.RECEIPT_SESSIONS);
        } else {
            receiptBatch = null; // a server without 2.2, or --no-receipts: delivery as in 2.1
        }
        if (ack.offlinemsg == null) {
            return;
        }
        long now = System.nanoTime();
        for (JsonNode stored : ack.offlinemsg) {
            try {
                delivered(from, Frame.ofStored(stored), now);
            } catch (IOException e) {
                run.metrics.error(name + ": unreadable offline message " + stored + ": " + e.getMessage());
            }
        }
    }

    private void acknowledged(Frame ack) {
        Stream stream = ack.ack == ONE_CHAT ? oneToOne : ack.ack == GROUP_CHAT ? group : null;
        if (stream == null) {
            if (ack.errno == Errno.RATE_LIMITED.code()) {
                run.metrics.add(Count.RATE_LIMITED);
            } else if (ack.ack == RECEIPT && ack.errno == Errno.UNAVAILABLE.code()) {
                // The database or Redis was away: those messages come again, and are dropped by mid.
                run.metrics.add(Count.RECEIPTS_REFUSED);
            } else if (ack.errno != 0) {
                run.metrics.error(name + ": refused: " + ack);
            }
            return; // the ACK of a setup request or logout, taken by call()
        }
        if (ack.errno != 0) {
            if (ack.errno == Errno.RATE_LIMITED.code()) {
                run.metrics.add(Count.RATE_LIMITED);
            } else {
                run.metrics.error(name + ": message refused: " + ack);
            }
            stream.refused();
            return;
        }
        run.metrics.add(Count.ACKNOWLEDGED);
        if ("offline".equals(ack.stored) || ack.offline > 0) {
            run.metrics.add(Count.ACKED_OFFLINE);
        } else {
            run.metrics.add(Count.ACKED_ONLINE);
        }
        if (ack.seq >= 0) {
            stream.acknowledged(ack.seq);
            long sentAt = stream.sendTime(ack.seq);
            if (sentAt > 0) {
                run.metrics.record(Latency.ACK, System.nanoTime() - sentAt);
            }
        }
    }

    private void delivered(LoadConnection from, Frame message, long now) {
        ReceiptBatch batch = receiptBatch;
        if (batch != null && batch.connection() == from && !confirmAndDedup(batch, message)) {
            return;
        }
        Stream stream = run.ledger.find(message.id, message.msgid == GROUP_CHAT ? message.groupid : 0);
        int space = message.msg == null ? -1 : message.msg.indexOf(' ');
        int second = space < 0 ? -1 : message.msg.indexOf(' ', space + 1);
        if (stream == null || second < 0) {
            run.metrics.error(name + ": a message that is not the load test's, from " + message.id);
            return;
        }
        long number = Long.parseLong(message.msg, 0, space, 10);
        long sentAt = Long.parseLong(message.msg, space + 1, second, 10);
        switch (arrivals.record(stream.key(), number)) {
            case DUPLICATE -> run.metrics.add(Count.DUPLICATED_SHOWN);
            case REORDERED -> {
                run.metrics.add(Count.REORDERED);
                firstDelivery(stream, sentAt, now);
            }
            case FIRST -> firstDelivery(stream, sentAt, now);
        }
    }

    /**
     * A receipts session confirms every chat frame it gets, and drops one whose mid it saw
     * already (as a 2.2 client must); false when this one is dropped.
     */
    private boolean confirmAndDedup(ReceiptBatch batch, Frame message) {
        if (message.mid == 0) {
            run.metrics.error(name + ": a chat frame without mid in a receipts session, from " + message.id);
            return true;
        }
        if (batch.add(message.mid)) {
            run.receiptFlusher.due(batch);
        }
        if (seen.firstTime(message.mid)) {
            return true;
        }
        run.metrics.add(Count.DUPLICATED_DROPPED);
        return false;
    }

    private void firstDelivery(Stream stream, long sentAt, long now) {
        run.metrics.add(Count.DELIVERED);
        run.metrics.record(Latency.DELIVERY, now - sentAt);
        stream.deliveredOnce();
        RecoveryWatch recovery = run.recovery();
        if (recovery != null) {
            recovery.delivered(stream.sender, this, sentAt, now);
        }
    }

    @Override
    public String toString() {
        return name + " (id " + id + ")";
    }
}
