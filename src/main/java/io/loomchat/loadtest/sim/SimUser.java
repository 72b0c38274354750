package io.loomchat.loadtest.sim;

import io.loomchat.loadtest.report.Count;
import io.loomchat.loadtest.report.Latency;
import io.loomchat.loadtest.wire.Frame;
import io.loomchat.loadtest.wire.LoadConnection;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated user: its account, its device sessions ({@link SimDevice}, --devices of them),
 * and the streams it sends on. Every scenario drives its users through this class, so
 * registering, logging in, chatting and counting work the same way in all of them. What each
 * device was shown is the device's; the ACKs of what the user sent come back on whichever device
 * sent it and land here.
 */
public final class SimUser {

    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);
    private static final int ONE_CHAT = MessageType.ONE_CHAT.code();
    private static final int GROUP_CHAT = MessageType.GROUP_CHAT.code();
    private static final int RECEIPT = MessageType.RECEIPT.code();

    final int index;
    final String name;
    private final RunContext run;
    private final List<SimDevice> devices;
    /** The device that sends next: the user's devices take turns (round robin over the connected ones). */
    private final AtomicInteger nextSender = new AtomicInteger();
    private volatile int id;
    private volatile Stream oneToOne;
    private volatile Stream group;

    SimUser(RunContext run, int index) {
        this.run = run;
        this.index = index;
        this.name = run.namePrefix + "-" + index;
        List<SimDevice> made = new ArrayList<>(run.options.devices);
        for (int d = 0; d < run.options.devices; d++) {
            made.add(new SimDevice(this, d, run));
        }
        this.devices = List.copyOf(made);
    }

    int id() {
        return id;
    }

    /** Test hook: the id a registration would have given. */
    void registeredAs(int userId) {
        this.id = userId;
    }

    public List<SimDevice> devices() {
        return devices;
    }

    void chatsWith(Stream stream) {
        if (stream.group) {
            group = stream;
        } else {
            oneToOne = stream;
        }
    }

    /** The one-to-one stream this user sends on, or null. */
    Stream oneToOne() {
        return oneToOne;
    }

    /** Whether any of its devices is connected (and so the user can send). */
    boolean isConnected() {
        for (SimDevice device : devices) {
            if (device.isConnected()) {
                return true;
            }
        }
        return false;
    }

    InetSocketAddress target() {
        return devices.get(0).target();
    }

    /**
     * Registers this user over {@code setup}, a connection of the run's framing that may serve many
     * registrations (the classic C++ server answers a register in either dialect, but a frame in its own).
     */
    void register(LoadConnection setup) throws IOException, InterruptedException {
        Frame ack = setup.call("{\"msgid\":4,\"name\":\"" + name + "\",\"password\":\"" + run.password + "\"}",
                frame -> frame.msgid == MessageType.REGISTER_ACK.code(), REPLY_TIMEOUT);
        if (ack.errno != 0) {
            throw new IOException("registration of " + name + " refused: " + ack);
        }
        id = ack.id;
        run.metrics.add(Count.REGISTRATIONS);
    }

    /** Logs every device in, one after the other, each on its own connection; stops at the first that fails. */
    public void login() throws IOException, InterruptedException {
        for (SimDevice device : devices) {
            device.login(device.target(), run.framing);
        }
    }

    /** Logs every device out (each confirming what it got first) and closes their connections. */
    public void logout() throws IOException, InterruptedException {
        for (SimDevice device : devices) {
            device.logout();
        }
    }

    /** Sends the next message of {@code stream} from the next connected device. */
    void sendChat(Stream stream, String padding) throws IOException {
        int size = devices.size();
        int first = size == 1 ? 0 : Math.floorMod(nextSender.getAndIncrement(), size);
        for (int i = 0; i < size; i++) {
            SimDevice device = devices.get((first + i) % size);
            if (device.isConnected() || i == size - 1) {
                device.sendChat(stream, padding);
                return;
            }
        }
    }

    /** Closes every device's connection on purpose (not a drop). */
    public void close() {
        devices.forEach(SimDevice::close);
    }

    /** The ACK of a request one of its devices sent. */
    void acknowledged(Frame ack) {
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

    @Override
    public String toString() {
        return name + " (id " + id + ")";
    }
}
