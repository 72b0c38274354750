package io.loomchat.client;

import io.loomchat.protocol.Json;
import io.loomchat.protocol.MessageType;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a PING when nothing was sent for the heartbeat interval (PROTOCOL.md, "Heartbeat"), so
 * that an idle session outlives the server's idle timeout and nginx's proxy timeout. It checks
 * a few times per interval rather than resetting a timer on every send: sends are frequent,
 * checks are cheap.
 */
final class Heartbeat implements AutoCloseable {

    /** Checks per interval: a PING goes out at most a quarter interval late. */
    private static final int CHECKS_PER_INTERVAL = 4;

    private final Connector connector;
    private final Duration interval;
    private final ScheduledFuture<?> task;

    Heartbeat(Connector connector, Duration interval, ScheduledExecutorService timer) {
        this.connector = connector;
        this.interval = interval;
        long period = Math.max(1, interval.toMillis() / CHECKS_PER_INTERVAL);
        this.task = timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        ServerLink link = connector.current();
        if (link == null || link.nanosSinceLastSend() < interval.toNanos()) {
            return;
        }
        try {
            link.send(Json.object().put("msgid", MessageType.PING.code()));
        } catch (IOException e) {
            // Not lost: send() kept this cause in the link and closed it, and the connection
            // thread, woken by the close, reports it to the user and reconnects.
            link.fail(e);
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
