package io.loomchat.loadtest.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The end-of-run figures as rows: printed as a table on stdout and written into report.md. */
public final class Summary {

    record Row(String name, String value) {
    }

    private Summary() {
    }

    public static List<Row> rows(RunInfo info, Figures f) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("scenario", info.scenario() + " (" + info.framing() + " framing, " + info.loop() + ")"));
        rows.add(new Row("result", (f.failures.isEmpty() ? "PASSED" : "FAILED: " + String.join("; ", f.failures))
                + (f.count(Count.RATE_LIMITED) > 0 ? "; the server refused " + number(f.count(Count.RATE_LIMITED))
                + " requests with errno 8 (rate limited): these figures measure its request limit, not its capacity" : "")));
        rows.add(new Row("server rate limit", info.serverRateLimitText()));
        rows.add(new Row("delivery receipts", receipts(info, f)));
        rows.add(new Row("devices per user", info.devices() == 1 && info.command().contains("--device-ids")
                ? "1 (--device-ids: each logs in as device d0, a protocol 2.3 device session)"
                : info.devices() == 1 ? "1 (sessions without a device id, as in protocol 2.2)"
                : info.devices() + " (protocol 2.3: device ids d0..d" + (info.devices() - 1)
                + ", each its own connection; the user's devices take turns sending)"));
        rows.add(new Row("clients connected (peak)", number(f.connectedPeak)));
        if (f.registrationSeconds > 0) {
            rows.add(new Row("registrations", number(f.count(Count.REGISTRATIONS)) + " in "
                    + seconds(f.registrationSeconds)));
        }
        rows.add(new Row("logins (failed)", number(f.count(Count.LOGINS)) + " (" + number(f.count(Count.LOGIN_FAILURES)) + ")"
                + (f.loginSeconds > 0 ? ", first round in " + seconds(f.loginSeconds) : "")));
        if (info.scenario().equals("login") && f.measuredSeconds > 0) {
            rows.add(new Row("logins/s (storm)", String.format(Locale.ROOT, "%,.0f", f.count(Count.LOGINS) / f.measuredSeconds)));
        }
        rows.add(new Row("login latency", latency(f.latencies.get(Latency.LOGIN))));
        rows.add(new Row("measured phase", seconds(f.measuredSeconds)));
        rows.add(new Row("messages sent / acknowledged", number(f.count(Count.SENT)) + " / "
                + number(f.count(Count.ACKNOWLEDGED)) + " (online " + number(f.count(Count.ACKED_ONLINE))
                + ", offline " + number(f.count(Count.ACKED_OFFLINE)) + ")"));
        rows.add(new Row("delivered", number(f.count(Count.DELIVERED))
                + String.format(Locale.ROOT, " (%,.0f/s)", f.deliveredPerSecond())));
        rows.add(new Row("frames delivered to devices", number(f.deviceFrames())
                + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.deviceFrames())) + ": from others "
                + number(f.count(Count.DEVICE_FRAMES_FROM_OTHERS))
                + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.DEVICE_FRAMES_FROM_OTHERS)))
                + ", carbons " + number(f.count(Count.DEVICE_FRAMES_CARBONS))
                + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.DEVICE_FRAMES_CARBONS)))
                + "; every chat frame a session got, repeats included"));
        long received = f.count(Count.RECEIVED);
        long lost = f.count(Count.LOST);
        rows.add(new Row("owed deliveries: received + lost", number(received + lost) + " = " + number(received)
                + " + " + number(lost) + (info.framing().equals("classic") ? " (every message sent" : " (every acknowledged message")
                + (info.devices() > 1 ? ", per recipient device and per carbon" : ", per recipient") + ", after the drain)"));
        if (info.devices() > 1) {
            long carbonsReceived = f.count(Count.CARBONS_RECEIVED);
            long carbonsLost = f.count(Count.CARBONS_LOST);
            rows.add(new Row("of which carbons: received + lost", number(carbonsReceived + carbonsLost) + " = "
                    + number(carbonsReceived) + " + " + number(carbonsLost) + " (to the sender's other devices)"));
        }
        if (f.count(Count.READS_SENT) + f.count(Count.TYPING_SENT) + f.count(Count.READ_NOTICES)
                + f.count(Count.DELIVERED_NOTICES) + f.count(Count.TYPING_RECEIVED) > 0) {
            rows.add(new Row("read state: READ / TYPING sent", number(f.count(Count.READS_SENT))
                    + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.READS_SENT))) + " / "
                    + number(f.count(Count.TYPING_SENT))
                    + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.TYPING_SENT)))));
            rows.add(new Row("read state: READ_NOTICE / DELIVERED / TYPING received", number(f.count(Count.READ_NOTICES))
                    + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.READ_NOTICES))) + " / "
                    + number(f.count(Count.DELIVERED_NOTICES))
                    + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.DELIVERED_NOTICES))) + " / "
                    + number(f.count(Count.TYPING_RECEIVED))
                    + String.format(Locale.ROOT, " (%,.0f/s)", f.perSecond(f.count(Count.TYPING_RECEIVED)))));
        }
        rows.add(new Row("lost / duplicated shown / reordered", number(lost) + " / "
                + number(f.count(Count.DUPLICATED_SHOWN)) + " / " + number(f.count(Count.REORDERED))));
        rows.add(new Row("duplicated, dropped by the client", number(f.count(Count.DUPLICATED_DROPPED))
                + (info.receipts() ? " (repeated mids, e.g. redelivered after a drop)" : " (no receipts: none are dropped)")));
        if (info.scenario().equals("chaos")) {
            rows.add(new Row("confirmed, then delivered again", number(f.count(Count.CONFIRMED_AGAIN))
                    + " (after a RECEIPT a PONG proved handled; must be 0)"));
        }
        rows.add(new Row("unacknowledged (died in flight)", number(f.count(Count.UNACKNOWLEDGED))));
        rows.add(new Row("delivery latency", latency(f.latencies.get(Latency.DELIVERY))));
        rows.add(new Row("ack latency", latency(f.latencies.get(Latency.ACK))));
        rows.add(new Row("rate limited (errno 8)", number(f.count(Count.RATE_LIMITED))));
        rows.add(new Row("errors", number(f.count(Count.ERRORS)) + (f.firstError != null ? ", first: " + f.firstError : "")));
        rows.add(new Row("drops / reconnects", number(f.count(Count.DROPS)) + " / " + number(f.count(Count.RECONNECTS))
                + (f.firstDrop != null ? ", first: " + f.firstDrop : "")));
        rows.add(new Row("pings / pongs", number(f.count(Count.PINGS)) + " / " + number(f.count(Count.PONGS))
                + ", unanswered after the drain " + number(f.count(Count.PINGS_UNANSWERED))));
        rows.add(new Row("closed-loop stalls (> 2 s)", number(f.count(Count.STALLS))));
        if (f.latencies.get(Latency.RECOVERY).getTotalCount() > 0 || info.scenario().equals("failover")) {
            long back = f.latencies.get(Latency.RECOVERY).getTotalCount();
            long dropped = f.count(Count.DROPS);
            rows.add(new Row("failover: recovered", number(back) + " of " + number(dropped) + " dropped clients"
                    + (back >= dropped && back > 0 ? ", all back " + seconds(f.allBackSeconds) + " after the kill" : "")
                    + "; " + latency(f.latencies.get(Latency.RECOVERY))));
            rows.add(new Row("failover: chat between clients never dropped", latency(f.latencies.get(Latency.UNDISTURBED))));
        }
        return rows;
    }

    /** Whether the clients asked for receipts, and how many logins the servers granted them. */
    private static String receipts(RunInfo info, Figures f) {
        if (!info.receipts()) {
            return info.framing().equals("classic") ? "off (the classic dialect has none)" : "off (--no-receipts: protocol 2.1)";
        }
        long granted = f.count(Count.RECEIPT_SESSIONS);
        if (granted == 0) {
            return "on, but no login ack granted them (a server without protocol 2.2): delivered as in 2.1";
        }
        return "on: granted in " + number(granted) + " of " + number(f.count(Count.LOGINS)) + " logins; "
                + number(f.count(Count.RECEIPT_FRAMES)) + " RECEIPT frames confirmed " + number(f.count(Count.CONFIRMED))
                + " messages" + (f.count(Count.RECEIPTS_REFUSED) > 0 ? "; " + number(f.count(Count.RECEIPTS_REFUSED))
                + " refused with errno 10 (their mids sent again in the next RECEIPT)" : "");
    }

    public static String table(List<Row> rows) {
        int width = rows.stream().mapToInt(row -> row.name().length()).max().orElse(10);
        StringBuilder out = new StringBuilder();
        for (Row row : rows) {
            out.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", row.name(), row.value()));
        }
        return out.toString();
    }

    static String latency(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return "-";
        }
        return "p50 " + micros(h.getValueAtPercentile(50) / 1000) + ", p90 " + micros(h.getValueAtPercentile(90) / 1000)
                + ", p99 " + micros(h.getValueAtPercentile(99) / 1000) + ", p99.9 "
                + micros(h.getValueAtPercentile(99.9) / 1000) + ", max " + micros(h.getMaxValue() / 1000)
                + " (" + number(h.getTotalCount()) + ")";
    }

    static String micros(long micros) {
        if (micros < 1_000) {
            return micros + " µs";
        }
        return micros < 1_000_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1_000.0)
                : String.format(Locale.ROOT, "%.2f s", micros / 1_000_000.0);
    }

    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f s", value);
    }
}
