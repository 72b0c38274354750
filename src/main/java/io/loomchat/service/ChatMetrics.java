package io.loomchat.service;

import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the chat rules count, registered once in a Micrometer registry. Every meter is built up
 * front, so the hot path only increments (no lookup by name and tags per message). Without a
 * metrics port the registry is an empty composite and every meter is a no-op.
 */
final class ChatMetrics {

    /** Login outcomes, the {@code result} tag of {@code loomchat.logins}. */
    enum LoginResult { OK, FAILED, THROTTLED, ALREADY_ONLINE }

    private final Map<MessageType, Counter> requests = new EnumMap<>(MessageType.class);
    private final Map<MessageType, Counter> delivered = new EnumMap<>(MessageType.class);
    private final Map<Errno, Counter> errors = new EnumMap<>(Errno.class);
    private final Map<LoginResult, Counter> logins = new EnumMap<>(LoginResult.class);
    private final Counter unknownRequests;
    private final Counter offlineStored;
    private final Counter offlineDelivered;
    private final Timer deliveryLatency;

    ChatMetrics(MeterRegistry registry) {
        for (MessageType type : MessageType.values()) {
            requests.put(type, Counter.builder("loomchat.requests").tag("type", name(type))
                    .description("Requests received, by message type").register(registry));
            delivered.put(type, Counter.builder("loomchat.messages.delivered").tag("type", name(type))
                    .description("Frames handed to a live session, by message type").register(registry));
        }
        unknownRequests = Counter.builder("loomchat.requests").tag("type", "unknown").register(registry);
        for (Errno errno : Errno.values()) {
            if (errno != Errno.OK) {
                errors.put(errno, Counter.builder("loomchat.errors").tag("errno", Integer.toString(errno.code()))
                        .description("Requests refused, by errno (8 = rate limited)").register(registry));
            }
        }
        for (LoginResult result : LoginResult.values()) {
            logins.put(result, Counter.builder("loomchat.logins").tag("result", result.name().toLowerCase(Locale.ROOT))
                    .description("Login attempts, by outcome").register(registry));
        }
        offlineStored = Counter.builder("loomchat.offline.stored")
                .description("Messages put in the offline store").register(registry);
        offlineDelivered = Counter.builder("loomchat.offline.delivered")
                .description("Offline messages written to their recipient and deleted").register(registry);
        deliveryLatency = Timer.builder("loomchat.delivery.latency")
                .description("From a chat message's creation to its write to the recipient's socket")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    void request(MessageType type) {
        (type == null ? unknownRequests : requests.get(type)).increment();
    }

    void error(Errno errno) {
        Counter counter = errors.get(errno);
        if (counter != null) {
            counter.increment();
        }
    }

    void login(LoginResult result) {
        logins.get(result).increment();
    }

    void delivered(MessageType type) {
        delivered.get(type).increment();
    }

    void offlineStored(int messages) {
        offlineStored.increment(messages);
    }

    void offlineDelivered(int messages) {
        offlineDelivered.increment(messages);
    }

    /** A chat message reached its recipient's socket {@code millis} after it was created. */
    void deliveryLatency(long millis) {
        deliveryLatency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    private static String name(MessageType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
