package io.loomchat.loadtest.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.loadtest.receipts.ConfirmationProofs;
import io.loomchat.loadtest.receipts.MidWindow;
import io.loomchat.loadtest.receipts.ReceiptBatch;
import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Latency;
import io.loomchat.loadtest.wire.Frame;
import io.loomchat.loadtest.wire.Framing;
import io.loomchat.loadtest.wire.LoadConnection;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One session of a simulated user: its connection, its resume token, and what it was shown. With
 * --devices 1 a user has one, which logs in without a device id (a protocol 2.2 session, as
 * before devices); with N it has N, logging in as {@code d0..d{N-1}} (protocol 2.3), each on its
 * own connection, getting its own copy of every chat frame to its user and of the carbons of what
 * its user's other devices send, confirming them on its own and dropping repeats by mid on its own.
 *
 * <p>Its reader thread (a new one after each login) runs {@link #onFrame}; the ledger reads
 * {@link #arrivals} at the end of the run.
 */
public final class SimDevice implements LoadConnection.Listener {

    private static final int LOGIN_ACK = MessageType.LOGIN_ACK.code();
    private static final int ONE_CHAT = MessageType.ONE_CHAT.code();
    private static final int GROUP_CHAT = MessageType.GROUP_CHAT.code();
    private static final int RECEIPT = MessageType.RECEIPT.code();
    /** How many messages delivered again after a proved RECEIPT are named in the log (the count has them all). */
    private static final long LOGGED_CONFIRMED_AGAIN = 20;

    final SimUser user;
    /** Which of its user's devices: 0..N-1. */
    final int index;
    /** Sent in every LOGIN; null with one device per user (no {@code device} field at all). */
    final String deviceId;
    private final RunContext run;
    private final Arrivals arrivals = new Arrivals();
    /** What a receipts session drops as already seen; kept across this device's sessions (each device has its own copies). */
    private final MidWindow seen = new MidWindow();
    /**
     * Mids whose RECEIPT the server proved handled (--prove-confirmations), with when and where the
     * proof came (for the log line of one that comes again, which is a bug).
     */
    private final Map<Long, String> provenConfirmed = new ConcurrentHashMap<>();
    /** The current receipts session's unconfirmed mids; null while the session has no receipts. */
    private volatile ReceiptBatch receiptBatch;
    private volatile LoadConnection connection;
    private volatile InetSocketAddress target;
    /** Resume token of this device's last login (modern dialect), so a reconnect skips password hashing. */
    private volatile String token;
    /** Whether this device has logged in once: only then does the server know it (protocol 2.3). */
    private volatile boolean everLoggedIn;
    private volatile long lastSentNanos;
    /** When this device last logged in again after a drop; 0 before any drop. */
    private volatile long reloggedAtNanos;

    SimDevice(SimUser user, int index, RunContext run) {
        this.user = user;
        this.index = index;
        this.deviceId = run.options.deviceId(index);
        this.run = run;
    }

    Arrivals arrivals() {
        return arrivals;
    }

    /** Whether this device ever logged in during the run. */
    boolean everLoggedIn() {
        return everLoggedIn;
    }

    /** For the ledger's tests, which account without a server: this device counts as logged in once. */
    void seenByTheServer() {
        everLoggedIn = true;
    }

    boolean isConnected() {
        LoadConnection current = connection;
        return current != null && current.isOpen();
    }

    /** PINGs this device's open connection sent that no PONG answered yet; 0 when it is not connected. */
    int pingsAwaitingPong() {
        LoadConnection current = connection;
        return current != null && current.isOpen() ? current.pingsAwaitingPong() : 0;
    }

    long lastSentNanos() {
        return lastSentNanos;
    }

    long reloggedAtNanos() {
        return reloggedAtNanos;
    }

    InetSocketAddress target() {
        return target != null ? target : run.plan.targetOf(user.index);
    }

    /** Opens a connection to {@code to} in {@code framing} and logs in; the connection stays this device's. */
    void login(InetSocketAddress to, Framing framing) throws IOException, InterruptedException {
        // Each device its own source address where there are several: they are separate clients.
        int source = user.index * user.devices().size() + index;
        LoadConnection opened = run.transport.open(to, run.plan.sourceOf(source), framing, this, run.options.clientTls());
        boolean modern = framing == Framing.MODERN;
        String credential = token != null && modern ? "\"token\":\"" + token + "\"" : "\"password\":\"" + run.password + "\"";
        String receipts = run.receipts && modern ? ",\"receipts\":true" : "";
        String device = deviceId != null && modern ? ",\"device\":\"" + deviceId + "\"" : "";
        long start = System.nanoTime();
        Frame ack;
        try {
            ack = opened.call("{\"msgid\":1,\"id\":" + user.id() + "," + credential + receipts + device + "}",
                    frame -> frame.msgid == LOGIN_ACK, SimUser.REPLY_TIMEOUT);
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
            throw new LoginRefusedException(this + " could not log in: " + ack, ack.errno);
        }
        everLoggedIn = true;
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

    /** After a drop: logs in again, with the same device id and its resume token, and notes when (failover). */
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
            current.call("{\"msgid\":3}", frame -> frame.isAckOf(MessageType.LOGOUT.code()), SimUser.REPLY_TIMEOUT);
        }
        token = null; // LOGINOUT revoked it: a wrong token would count as a failed login
        close();
    }

    /** Sends a request of the setup phases (create or join a group) and returns its ACK. */
    Frame request(String json, int msgid) throws IOException, InterruptedException {
        Frame ack = requireConnection().call(json, frame -> frame.isAckOf(msgid), SimUser.REPLY_TIMEOUT);
        if (ack.errno != 0) {
            throw new IOException(this + ": request " + json + " refused: " + ack);
        }
        return ack;
    }

    /** Sends the next message of {@code stream} from this device; its number and send time travel in the text. */
    void sendChat(Stream stream, String padding) throws IOException {
        LoadConnection current = requireConnection();
        long now = System.nanoTime();
        long number = stream.nextNumber(now, index);
        String text = number + " " + now + " " + padding;
        StringBuilder json = new StringBuilder(text.length() + 64);
        json.append("{\"msgid\":").append(stream.group ? GROUP_CHAT : ONE_CHAT);
        boolean modern = current.framing().acknowledged();
        if (modern) {
            json.append(",\"seq\":").append(number);
        } else {
            json.append(",\"id\":").append(user.id()); // as the classic client writes it
        }
        // "to" is the classic client's name for the recipient, the only one the C++ server reads.
        json.append(stream.group ? ",\"groupid\":" : modern ? ",\"toid\":" : ",\"to\":").append(stream.destination)
                .append(",\"msg\":\"").append(text).append("\"}");
        current.send(json.toString());
        run.metrics.add(Count.SENT);
        lastSentNanos = now;
    }

    void ping() throws IOException {
        LoadConnection current = requireConnection();
        current.sendPing("{\"msgid\":12}"); // numbered by the connection: see ConfirmationProofs
        run.metrics.add(Count.PINGS);
        lastSentNanos = System.nanoTime();
    }

    /** --read-state: the message is shown, so it is read (as a chat app with the conversation open on screen). */
    private void markRead(LoadConnection from, Frame message) {
        try {
            from.send("{\"msgid\":20,\"with\":" + message.id + ",\"upto\":" + message.mid + "}");
            run.metrics.add(Count.READS_SENT);
        } catch (IOException e) {
            run.metrics.error(this + ": READ failed: " + e.getMessage());
        }
    }

    /** --read-state: the user is typing to {@code to} (one TYPING; the caller keeps the pace of one per 3 s). */
    void typing(int to) throws IOException {
        requireConnection().send("{\"msgid\":23,\"to\":" + to + "}");
        run.metrics.add(Count.TYPING_SENT);
        lastSentNanos = System.nanoTime();
    }

    private LoadConnection requireConnection() throws IOException {
        LoadConnection current = connection;
        if (current == null) {
            throw new IOException(this + " is not connected");
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
            case 11 -> {
                if (frame.ack == RECEIPT && frame.errno != 0) {
                    ConfirmationProofs proofs = proofsOf(from);
                    if (proofs != null) {
                        proofs.receiptRefused(from.pongsRead());
                    }
                }
                user.acknowledged(frame);
            }
            case 2 -> loggedIn(from, frame);
            case 13 -> {
                run.metrics.add(Count.PONGS);
                ConfirmationProofs proofs = proofsOf(from);
                if (proofs != null) {
                    ConfirmationProofs.Pong pong = proofs.ponged(from.pongsRead());
                    String proof = "proved " + java.time.LocalTime.now() + " by PONG " + from.pongsRead() + " of connection "
                            + Integer.toHexString(System.identityHashCode(from));
                    for (long mid : pong.proven()) {
                        provenConfirmed.put(mid, proof);
                    }
                    confirmAgain(from, pong.refused());
                }
            }
            case 21 -> run.metrics.add(Count.READ_NOTICES);
            case 22 -> run.metrics.add(Count.DELIVERED_NOTICES);
            case 23 -> run.metrics.add(Count.TYPING_RECEIVED);
            case 5, 14, 16, 17 -> {
                // Registration replies are taken by call(); presence and roster pushes are not
                // what the load test measures.
            }
            default -> run.metrics.error(this + ": unexpected frame " + frame);
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
        if (deviceId != null && !deviceId.equals(ack.device)) {
            run.metrics.error(this + ": the login ack did not echo the device (a server without protocol 2.3?): " + ack);
        }
        if (ack.receipts && run.receipts) {
            receiptBatch = new ReceiptBatch(from, run.metrics, run.options.proveConfirmations ? new ConfirmationProofs() : null);
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
                run.metrics.error(this + ": unreadable offline message " + stored + ": " + e.getMessage());
            }
        }
    }

    private void delivered(LoadConnection from, Frame message, long now) {
        String proof = message.mid == 0 ? null : provenConfirmed.get(message.mid);
        if (proof != null) {
            run.metrics.add(Count.CONFIRMED_AGAIN);
            if (run.metrics.get(Count.CONFIRMED_AGAIN) <= LOGGED_CONFIRMED_AGAIN) {
                run.log.printf("%s: message %d came again after a RECEIPT the server had handled (%s on connection %s; %s)%n",
                        this, message.mid, java.time.LocalTime.now(), Integer.toHexString(System.identityHashCode(from)), proof);
            }
        }
        boolean carbon = message.id == user.id();
        run.metrics.add(carbon ? Count.DEVICE_FRAMES_CARBONS : Count.DEVICE_FRAMES_FROM_OTHERS);
        ReceiptBatch batch = receiptBatch;
        if (batch != null && batch.connection() == from && !confirmAndDedup(batch, message)) {
            return;
        }
        if (!carbon && run.options.readState && message.msgid == ONE_CHAT && message.mid != 0) {
            markRead(from, message);
        }
        Stream stream = run.ledger.find(message.id, message.msgid == GROUP_CHAT ? message.groupid : 0);
        int space = message.msg == null ? -1 : message.msg.indexOf(' ');
        int second = space < 0 ? -1 : message.msg.indexOf(' ', space + 1);
        if (stream == null || second < 0) {
            run.metrics.error(this + ": a message that is not the load test's, from " + message.id);
            return;
        }
        long number = Long.parseLong(message.msg, 0, space, 10);
        long sentAt = Long.parseLong(message.msg, space + 1, second, 10);
        switch (arrivals.record(stream.key(), number)) {
            case DUPLICATE -> run.metrics.add(Count.DUPLICATED_SHOWN);
            case REORDERED -> {
                run.metrics.add(Count.REORDERED);
                firstDelivery(stream, number, sentAt, now);
            }
            case FIRST -> firstDelivery(stream, number, sentAt, now);
        }
    }

    /**
     * A receipts session confirms every chat frame it gets, and drops one whose mid it saw
     * already (as a 2.2 client must); false when this one is dropped.
     */
    /**
     * A RECEIPT answered errno 10 (the server could not make the confirmation safe yet): its mids
     * go out again with the next one, as the protocol asks of a client; left unconfirmed, they
     * would come again at a later login, long after the window that drops repeats forgot them.
     */
    private void confirmAgain(LoadConnection from, long[] mids) {
        ReceiptBatch batch = receiptBatch;
        if (mids.length == 0 || batch == null || batch.connection() != from) {
            return;
        }
        boolean due = false;
        for (long mid : mids) {
            due |= batch.add(mid);
        }
        if (due) {
            run.receiptFlusher.due(batch);
        }
    }

    private boolean confirmAndDedup(ReceiptBatch batch, Frame message) {
        if (message.mid == 0) {
            run.metrics.error(this + ": a chat frame without mid in a receipts session, from " + message.id);
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

    private void firstDelivery(Stream stream, long number, long sentAt, long now) {
        run.metrics.add(Count.DELIVERED);
        run.metrics.record(Latency.DELIVERY, now - sentAt);
        stream.deliveredOnce();
        RecoveryWatch recovery = run.recovery();
        if (recovery != null) {
            int device = stream.senderDevice(number);
            if (device >= 0) {
                recovery.delivered(stream.sender.devices().get(device), this, sentAt, now);
            }
        }
    }

    /** The proofs of the receipts session on {@code connection}, if the run proves confirmations. */
    private ConfirmationProofs proofsOf(LoadConnection connection) {
        ReceiptBatch batch = receiptBatch;
        return batch != null && batch.connection() == connection ? batch.proofs() : null;
    }

    @Override
    public String toString() {
        return deviceId == null ? user.toString() : user + " device " + deviceId;
    }
}
