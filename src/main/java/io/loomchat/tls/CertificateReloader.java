package io.loomchat.tls;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the server's certificate and key files again every {@code interval}, so that a renewed
 * certificate (Let's Encrypt's come every 60 to 90 days) is served without a restart, which
 * would drop every connected client. Tools that renew write the two files one after the other;
 * a pair caught in between is refused and tried again once it changes.
 */
public final class CertificateReloader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

    private final ServerTls tls;
    private final Thread thread;

    private CertificateReloader(ServerTls tls, Duration interval) {
        this.tls = tls;
        this.thread = Thread.ofVirtual().name("loomchat-tls-reloader").unstarted(() -> run(interval));
    }

    public static CertificateReloader start(ServerTls tls, Duration interval) {
        CertificateReloader reloader = new CertificateReloader(tls, interval);
        reloader.thread.start();
        return reloader;
    }

    private void run(Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
            check();
        }
    }

    /** One reading of the files; says in the log what changed. */
    void check() {
        switch (tls.reload()) {
            case RELOADED -> LOG.info("TLS certificate reloaded: new handshakes get {}, issued by {}, valid until {}",
                    tls.subject(), tls.issuer(), tls.notAfter());
            case REFUSED -> LOG.warn("TLS certificate not reloaded, still serving {} (valid until {}): {}",
                    tls.subject(), tls.notAfter(), tls.lastProblem());
            case UNCHANGED -> { }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
