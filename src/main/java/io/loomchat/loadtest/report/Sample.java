package io.loomchat.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Json;

/**
 * One second of a run: rates over that second, gauges at its end. {@code second} is the epoch
 * second, so that the series of worker processes line up when merged.
 *
 * @param errors        errors so far (as are rateLimited and drops)
 * @param p99Micros     delivery p99 of that second (merged runs: the largest of the workers' p99s)
 */
public record Sample(long second, long connected, long sentPerSecond, long deliveredPerSecond, long loginsPerSecond,
              long errors, long rateLimited, long drops, long p50Micros, long p99Micros) {

    public Sample plus(Sample other) {
        return new Sample(second, connected + other.connected, sentPerSecond + other.sentPerSecond,
                deliveredPerSecond + other.deliveredPerSecond, loginsPerSecond + other.loginsPerSecond,
                errors + other.errors, rateLimited + other.rateLimited, drops + other.drops,
                Math.max(p50Micros, other.p50Micros),
                Math.max(p99Micros, other.p99Micros));
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("second", second).put("connected", connected).put("sentPerSecond", sentPerSecond)
                .put("deliveredPerSecond", deliveredPerSecond).put("loginsPerSecond", loginsPerSecond)
                .put("errors", errors).put("rateLimited", rateLimited).put("drops", drops)
                .put("p50Micros", p50Micros).put("p99Micros", p99Micros);
        return json;
    }

    public static Sample fromJson(JsonNode s) {
        return new Sample(s.path("second").asLong(), s.path("connected").asLong(), s.path("sentPerSecond").asLong(),
                s.path("deliveredPerSecond").asLong(), s.path("loginsPerSecond").asLong(), s.path("errors").asLong(),
                s.path("rateLimited").asLong(), s.path("drops").asLong(), s.path("p50Micros").asLong(),
                s.path("p99Micros").asLong());
    }
}
