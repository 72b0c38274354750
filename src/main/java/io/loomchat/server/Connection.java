package io.loomchat.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one socket from accept to close. {@link #run} is the connection's virtual thread: it
 * reads frames in plain blocking style and hands each to the {@link ConnectionListener}, so
 * the requests of one client are served one after another, in order.
 *
 * <p>The idle timeout is not a socket read timeout: a timed read makes every wait for the next
 * frame schedule and cancel a timer in the virtual-thread scheduler, which cost a wake-up of its
 * timer thread per message and a timer object per idle connection. Instead the reader stamps
 * when it starts waiting, and the {@link IdleSweeper} closes connections that waited too long.
 *
 * <p>With TLS the connection keeps two sockets: the TCP one, and the TLS layer over it that
 * frames are read from and written to. Closing and half-closing go to the TCP socket: that never
 * waits for the TLS layer's record lock, which a writer stuck on a client that stopped reading
 * holds. No close_notify is sent for the same reason (it is a write that can block); JSSE
 * clients take the end of the stream after the handshake as the close, and a cut frame is
 * visible anyway, since every frame ends with its terminator.
 *
 * <p>A plaintext connection that has gone quiet lets its reader thread end between frames and
 * leaves its channel with {@link DormantReaders}, which starts a reader again when bytes arrive
 * or a frame is to be written: an idle client then costs no thread, no stack and no read
 * buffer. "Quiet" is a wait of {@link NetworkConfig#readerSleepAfter} or more before the last bytes
 * read, as the idle sweeper saw it (or a sleep before them), so a client that chats keeps a parked reader, and one that
 * only sends a heartbeat now and then sleeps between heartbeats. With TLS the reader always
 * parks: the TLS layer may hold decrypted bytes that no selector sees.
 */
final class Connection implements Runnable, Outbound, IdleWatched {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    // The connection's place in DormantReaders, touched only on that class's thread.
    static final int WATCH_NONE = 0;
    static final int WATCH_REGISTERED = 1;
    static final int WATCH_WAKING = 2;
    static final int WATCH_WAKE_FIRST = 3;
    int sleepState = WATCH_NONE;
    SelectionKey sleepKey;

    /** The TCP connection, blocking except while its reader sleeps. */
    private final SocketChannel channel;
    /** The TCP socket ({@link #channel}'s): addresses, half-close and close. */
    private final Socket socket;
    /** The TLS layer over {@link #socket}, or {@code null} on a plaintext port. */
    private final SSLSocket tls;
    private final NetworkConfig config;
    private final ConnectionListener.Factory listeners;
    /** Told once, when the connection has ended: the server forgets it and frees its permit. */
    private final Consumer<Connection> ended;
    /** Formatted only when a log line needs it, rather than kept as a string per connection. */
    private final SocketAddress peerAddress;
    /** The client a PROXY protocol header named; null without one (or for a balancer's own check). */
    private volatile InetSocketAddress proxiedClient;
    private final OutboundQueue queue;
    /** When the reader started waiting for bytes ({@link System#nanoTime}), or 0 while it is not waiting. */
    private volatile long waitingSince;
    private volatile boolean idledOut;

    /** Where quiet readers sleep; {@code null} when readers never sleep (TLS, or turned off). */
    private final DormantReaders dormant;
    // Set by the first reader thread, then read by whichever reader thread carries on.
    private ConnectionListener listener;
    private FrameReader frames;
    /** Set by the idle sweeper when it saw the reader wait past readerSleepAfter; cleared by the reader. */
    private volatile boolean quiet;
    /** When the sleep that the next read ends began ({@link System#nanoTime}), else 0; set by whoever sends the channel to sleep, read by the next reader. */
    private long sleptSince;
    // written under this: true from the reader's decision to sleep until DormantReaders wakes it;
    // volatile so that a writer can see it false without taking the lock
    private volatile boolean asleep;
    // guarded by this: the writer thread waiting for a wake, if any
    private Thread wakeWaiter;
    // guarded by this: the reader fell asleep while the writer ran, which sends the channel to sleep when done
    private boolean sleepAfterWrite;

    Connection(SocketChannel channel, NetworkConfig config, ConnectionListener.Factory listeners,
               Consumer<Connection> ended, DormantReaders dormant) throws IOException {
        this.channel = channel;
        this.socket = channel.socket();
        this.config = config;
        this.listeners = listeners;
        this.ended = ended;
        this.peerAddress = socket.getRemoteSocketAddress();
        // Only the layer is made here, on the accept thread; its handshake runs on the reader's.
        this.tls = config.tls() == null ? null : config.tls().wrap(socket);
        this.dormant = dormant; // null with TLS: the server makes none then (NetworkConfig#readersSleep)
        StreamFrameWriter writer = new StreamFrameWriter((tls != null ? tls : socket).getOutputStream());
        this.queue = this.dormant == null
                ? new OutboundQueue(writer, this::closeSocket, config.maxQueuedFrames(), config.maxQueuedBytes())
                : new OutboundQueue((batch, bytes) -> writeAwake(writer, batch, bytes), this::closeSocket,
                        config.maxQueuedFrames(), config.maxQueuedBytes(), this::drained);
    }

    /** The connection's first reader thread: sets the connection up, then reads. */
    @Override
    public void run() {
        ConnectionListener listener = null;
        InputStream input = null;
        try {
            socket.setTcpNoDelay(true);
            input = new StampedInput(socket.getInputStream());
            if (config.proxyProtocol()) {
                readProxyHeader(input);
            }
            if (tls != null) {
                handshake();
                input = new StampedInput(tls.getInputStream());
            }
            listener = listeners.connected(this);
        } catch (ProxyProtocol.BadHeaderException e) {
            LOG.info("{} refused: {}", who(listener), e.getMessage());
        } catch (SSLException e) {
            // A plaintext client, a client that does not trust our certificate, a port scanner.
            LOG.debug("{} failed the TLS handshake: {}", who(listener), e.getMessage());
        } catch (IOException e) {
            LOG.debug("{} disconnected before its first frame: {}", who(listener), e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", who(listener), e);
        }
        if (listener == null) {
            end(null);
            return;
        }
        this.listener = listener;
        this.frames = new FrameReader(input, config.maxFrameBytes());
        readFrames();
    }

    /**
     * Reads until the connection ends, then ends it; or, when the listener asks for a fresh
     * thread after a frame, starts one that carries on with the same reader and returns; or,
     * when the reader falls asleep, returns and leaves the next reader to {@link DormantReaders}.
     */
    private void readFrames() {
        ConnectionListener listener = this.listener;
        boolean handedOver = false;
        try {
            FrameReader.Stop stop = frames.readAll(listener::onFrame, dormant == null ? FrameReader.NEVER : this::fallAsleep);
            if (stop == FrameReader.Stop.HANDED_OVER) {
                Thread.ofVirtual().start(this::readFrames);
                handedOver = true;
                return;
            }
            if (stop == FrameReader.Stop.ASLEEP) {
                handedOver = true;
                return;
            }
            if (idledOut) {
                LOG.debug("{} idle for {}, closed", who(listener), config.idleTimeout());
            } else {
                LOG.debug("{} closed by the peer", who(listener));
            }
        } catch (FrameReader.FrameTooLargeException e) {
            LOG.debug("{} sent a {}", who(listener), e.getMessage());
            listener.onFrameTooLarge(config.maxFrameBytes());
        } catch (IOException e) {
            // Killed by the OS, a proxy, the client, or our own close: nothing to report loudly.
            LOG.debug("{} disconnected: {}", who(listener), e.toString());
        } catch (RuntimeException | Error e) {
            LOG.warn("{} failed unexpectedly", who(listener), e);
        } finally {
            if (!handedOver) {
                end(listener);
            }
        }
    }

    /**
     * The queue is finished first: frames still queued are flushed or handed back (a chat message
     * goes to the offline store) while the user is still signed in here, so that a new login of
     * the same user cannot fetch the offline store before they are in it.
     */
    private void end(ConnectionListener listener) {
        try {
            queue.finish(config.flushTimeout().toNanos());
            String overflow = queue.overflow();
            if (overflow != null) {
                LOG.info("{} disconnected: it stopped reading and its outbound queue filled up ({})", who(listener), overflow);
            }
            if (listener != null) {
                listener.onClose();
            }
        } catch (RuntimeException e) {
            LOG.warn("{} could not be closed cleanly", who(listener), e);
        } finally {
            closeSocket();
            ended.accept(this);
        }
    }

    /**
     * Asked by the reader when it has nothing buffered and would block: after a long wait the
     * connection falls asleep and the reader's thread ends. The channel goes to
     * {@link DormantReaders} at once, or, while the writer runs (a write needs the channel
     * blocking; the frame is usually the answer to the one just read), once it has written all.
     * A writer that starts after this finds the connection asleep and wakes it first.
     */
    private boolean fallAsleep() {
        // Just woken (the sleep not yet ended by a read): read first, there may be bytes.
        if (sleptSince != 0 || !quiet) {
            return false;
        }
        quiet = false;
        if (!dormant.accepting()) {
            return false;
        }
        synchronized (this) {
            asleep = true;
            if (queue.writerRunning()) {
                sleepAfterWrite = true;
                return true;
            }
        }
        goToSleep();
        return true;
    }

    /** The writer has written everything: if the reader fell asleep meanwhile, the channel sleeps now. */
    private void drained() {
        synchronized (this) {
            if (!sleepAfterWrite) {
                return;
            }
            sleepAfterWrite = false;
        }
        goToSleep();
    }

    /**
     * Makes the channel non-blocking and hands it to {@link DormantReaders}. A channel closed
     * meanwhile fails there too, and is woken at once: a reader finds it closed and ends it.
     */
    private void goToSleep() {
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            LOG.trace("{} sleeps closed: {}", this, e.toString());
        }
        long now = System.nanoTime();
        sleptSince = now;
        waitingSince = now | 1; // the idle sweeper counts the sleep as waiting
        dormant.sleep(this);
    }

    boolean isAsleep() {
        return asleep;
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * On the {@link DormantReaders} thread, once the selector has let go of the channel: makes it
     * blocking again, lets a waiting writer write, and starts a reader.
     */
    void wakeUp() {
        try {
            channel.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            // Closed while asleep: the new reader's read fails and ends the connection.
            LOG.trace("{} woke closed: {}", this, e.toString());
        }
        awake();
        Thread.ofVirtual().start(this::readFrames);
    }

    private void awake() {
        Thread waiter;
        synchronized (this) {
            asleep = false;
            waiter = wakeWaiter;
            wakeWaiter = null;
        }
        if (waiter != null) {
            LockSupport.unpark(waiter);
        }
    }

    /** The writer's way to the socket: wakes a sleeping reader first, and keeps it awake meanwhile. */
    private void writeAwake(StreamFrameWriter writer, List<OutboundFrame> batch, int batchBytes) throws IOException {
        // Awake: the channel stays blocking while this writer runs, since a reader that falls
        // asleep meanwhile leaves the channel to this writer's drain (see fallAsleep).
        if (!asleep) {
            writer.write(batch, batchBytes);
            return;
        }
        while (true) {
            synchronized (this) {
                // Asleep but not yet sent to sleep (this writer will do that when done): the
                // channel is still blocking.
                if (!asleep || sleepAfterWrite) {
                    break;
                }
                wakeWaiter = Thread.currentThread();
            }
            dormant.wake(this);
            LockSupport.park(this);
        }
        writer.write(batch, batchBytes);
    }

    /**
     * Called by the {@link IdleSweeper}: the reader stamps when it starts waiting for bytes. A
     * wait past {@link NetworkConfig#readerSleepAfter} is noted here, so that the reader, once
     * its bytes come, falls asleep at its next wait; the reader itself reads no clock for that.
     */
    @Override
    public void sweep(long now) {
        long since = waitingSince;
        if (since == 0) {
            return;
        }
        // Written once per wait, not at every sweep: a sweep over every sleeping connection would
        // otherwise write to each of them.
        if (dormant != null && !quiet && now - since >= config.readerSleepAfter().toNanos()) {
            quiet = true;
        }
        if (now - since > config.idleTimeout().toNanos() && !idledOut) {
            idledOut = true;
            close();
        }
    }

    @Override
    public boolean send(OutboundFrame frame) {
        return queue.send(frame);
    }

    /** Stops reading: the reader sees end of stream and the connection ends after a flush. */
    @Override
    public void close() {
        try {
            socket.shutdownInput();
        } catch (SocketException e) {
            // Already closed or never connected: the reader is ending anyway.
            LOG.trace("{} shutdownInput: {}", this, e.toString());
        } catch (IOException e) {
            LOG.debug("{} shutdownInput failed", this, e);
            closeSocket();
        }
    }

    @Override
    public String peer() {
        InetSocketAddress client = proxiedClient;
        return client == null ? String.valueOf(peerAddress) : client + " via " + peerAddress;
    }

    @Override
    public String clientAddress() {
        InetSocketAddress client = proxiedClient;
        return client != null ? client.getAddress().getHostAddress() : socket.getInetAddress().getHostAddress();
    }

    /**
     * What a log line names: the listener's own description once there is one (the business
     * layer adds the logged-in user to the client's address), else this connection. Passed as
     * an object, so nothing is formatted unless the line is logged.
     */
    private Object who(ConnectionListener listener) {
        return listener != null ? listener : this;
    }

    @Override
    public String toString() {
        return peer();
    }

    /**
     * The handshake reads the TCP socket directly, past the {@link StampedInput}, so the idle
     * sweeper cannot see it wait: a socket timeout bounds it instead, for this once.
     */
    private void handshake() throws IOException {
        socket.setSoTimeout((int) config.idleTimeout().toMillis());
        tls.startHandshake();
        socket.setSoTimeout(0);
    }

    /** Takes the client's address from the balancer's header; a health check's header names none. */
    private void readProxyHeader(InputStream input) throws IOException {
        proxiedClient = ProxyProtocol.read(input);
    }

    /**
     * A sleeping reader is woken too: a closed channel leaves its selector without a word, and
     * only a reader can end the connection.
     */
    private void closeSocket() {
        try {
            // A FIN before the close, as a plain Socket sends: closing with unread bytes (the rest
            // of an oversized frame, say) sends a reset, and the reset can overtake the last
            // frames written, the client seeing "connection reset" instead of why.
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.trace("{} shutdownOutput: {}", this, e.toString());
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{} close failed", this, e);
        }
        if (dormant != null && isAsleep()) {
            dormant.wake(this);
        }
    }

    /** Stamps {@link #waitingSince} around every read of the socket. */
    private final class StampedInput extends InputStream {
        private final InputStream in;

        StampedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            // After a sleep the wait began when the reader fell asleep, not now.
            long began = sleptSince != 0 ? sleptSince : System.nanoTime();
            sleptSince = 0;
            waitingSince = began | 1; // never 0, which means "not waiting"
            try {
                return in.read(buffer, offset, length);
            } finally {
                waitingSince = 0;
            }
        }

        @Override
        public int read() throws IOException {
            throw new UnsupportedOperationException("FrameReader reads whole buffers");
        }
    }
}
