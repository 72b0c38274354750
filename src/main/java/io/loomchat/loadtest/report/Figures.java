package io.loomchat.loadtest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one process measured, in a form that travels: a worker prints it as JSON, the parent
 * reads the workers' and {@link #merge}s them. Counters add up; histograms are carried in
 * HdrHistogram's compressed encoding, so the merged percentiles are exact, not averaged.
 */
public final class Figures {

    final Map<Count, Long> counts = new EnumMap<>(Count.class);
    final Map<Latency, Histogram> latencies = new EnumMap<>(Latency.class);
    final List<Sample> series = new ArrayList<>();
    public final List<String> failures = new ArrayList<>();
    long connectedPeak;
    /** Length of the measured phase (chat, hold, storm), for its rates. */
    public double measuredSeconds;
    /** Registrations and logins before it, for their rates (merged: the longest of the workers). */
    public double registrationSeconds;
    public double loginSeconds;
    /** Failover: kill to the last dropped client back (0: nobody dropped or nobody came back). */
    public double allBackSeconds;
    String firstError;
    String firstDrop;

    public static Figures of(Metrics metrics, List<Sample> series) {
        Figures figures = new Figures();
        for (Count count : Count.values()) {
            figures.counts.put(count, metrics.get(count));
        }
        for (Latency latency : Latency.values()) {
            figures.latencies.put(latency, metrics.total(latency));
        }
        figures.series.addAll(series);
        figures.connectedPeak = metrics.connectedPeak();
        figures.firstError = metrics.firstError();
        figures.firstDrop = metrics.firstDrop();
        return figures;
    }

    public long count(Count count) {
        return counts.getOrDefault(count, 0L);
    }

    /** Delivered messages per second of the measured phase. */
    double deliveredPerSecond() {
        return perSecond(count(Count.DELIVERED));
    }

    /** Every chat frame a device session got: from other users, and carbons of its own user's messages. */
    long deviceFrames() {
        return count(Count.DEVICE_FRAMES_FROM_OTHERS) + count(Count.DEVICE_FRAMES_CARBONS);
    }

    /** Per second of the measured phase (0 when it did not run). */
    double perSecond(long value) {
        return measuredSeconds > 0 ? value / measuredSeconds : 0;
    }

    public ObjectNode toJson() {
        ObjectNode json = Json.object();
        // Top level, for scripts and CI: the two figures that decide whether a run passed (duplicated:
        // shown to a user), and the duplicates a receipts client dropped by mid, which do not fail it.
        json.put("lost", count(Count.LOST));
        json.put("duplicated", count(Count.DUPLICATED_SHOWN));
        json.put("duplicatedDropped", count(Count.DUPLICATED_DROPPED));
        json.put("confirmedAgain", count(Count.CONFIRMED_AGAIN));
        // Devices (--devices): the carbons lost (of lost), and the frames the devices got per second.
        json.put("carbonsLost", count(Count.CARBONS_LOST));
        json.put("deviceFramesPerSecond", Math.round(perSecond(deviceFrames())));
        json.put("deviceFramesFromOthersPerSecond", Math.round(perSecond(count(Count.DEVICE_FRAMES_FROM_OTHERS))));
        json.put("deviceFramesCarbonsPerSecond", Math.round(perSecond(count(Count.DEVICE_FRAMES_CARBONS))));
        ObjectNode countsJson = json.putObject("counts");
        counts.forEach((count, value) -> countsJson.put(count.key(), value));
        countsJson.put("deviceFrames", deviceFrames()); // the sum of the two, for scripts
        json.put("connectedPeak", connectedPeak);
        json.put("measuredSeconds", measuredSeconds);
        json.put("registrationSeconds", registrationSeconds);
        json.put("loginSeconds", loginSeconds);
        json.put("allBackSeconds", allBackSeconds);
        json.put("deliveredPerSecond", Math.round(deliveredPerSecond()));
        if (firstError != null) {
            json.put("firstError", firstError);
        }
        if (firstDrop != null) {
            json.put("firstDrop", firstDrop);
        }
        ArrayNode failuresJson = json.putArray("failures");
        failures.forEach(failuresJson::add);
        ObjectNode latencyJson = json.putObject("latencyMicros");
        ObjectNode encoded = json.putObject("histograms");
        latencies.forEach((latency, histogram) -> {
            latencyJson.set(latency.key(), percentiles(histogram));
            encoded.put(latency.key(), encode(histogram));
        });
        ArrayNode seriesJson = json.putArray("timeSeries");
        series.forEach(sample -> seriesJson.add(sample.toJson()));
        return json;
    }

    public static Figures fromJson(JsonNode json) {
        Figures figures = new Figures();
        for (Count count : Count.values()) {
            figures.counts.put(count, json.path("counts").path(count.key()).asLong());
        }
        for (Latency latency : Latency.values()) {
            figures.latencies.put(latency, decode(json.path("histograms").path(latency.key()).asText()));
        }
        json.path("timeSeries").forEach(sample -> figures.series.add(Sample.fromJson(sample)));
        json.path("failures").forEach(failure -> figures.failures.add(failure.asText()));
        figures.connectedPeak = json.path("connectedPeak").asLong();
        figures.measuredSeconds = json.path("measuredSeconds").asDouble();
        figures.registrationSeconds = json.path("registrationSeconds").asDouble();
        figures.loginSeconds = json.path("loginSeconds").asDouble();
        figures.allBackSeconds = json.path("allBackSeconds").asDouble();
        figures.firstError = json.path("firstError").asText(null);
        figures.firstDrop = json.path("firstDrop").asText(null);
        return figures;
    }

    /** The workers' figures as one run: sums, exact histogram merges, series aligned by second. */
    public static Figures merge(List<Figures> parts) {
        Figures merged = new Figures();
        TreeMap<Long, Sample> bySecond = new TreeMap<>();
        for (Latency latency : Latency.values()) {
            merged.latencies.put(latency, new Histogram(Metrics.SIGNIFICANT_DIGITS));
        }
        for (Figures part : parts) {
            part.counts.forEach((count, value) -> merged.counts.merge(count, value, Long::sum));
            part.latencies.forEach((latency, histogram) -> merged.latencies.get(latency).add(histogram));
            for (Sample sample : part.series) {
                bySecond.merge(sample.second(), sample, Sample::plus);
            }
            merged.failures.addAll(part.failures);
            merged.connectedPeak += part.connectedPeak;
            merged.measuredSeconds = Math.max(merged.measuredSeconds, part.measuredSeconds);
            merged.registrationSeconds = Math.max(merged.registrationSeconds, part.registrationSeconds);
            merged.loginSeconds = Math.max(merged.loginSeconds, part.loginSeconds);
            merged.allBackSeconds = Math.max(merged.allBackSeconds, part.allBackSeconds);
            if (merged.firstError == null) {
                merged.firstError = part.firstError;
            }
            if (merged.firstDrop == null) {
                merged.firstDrop = part.firstDrop;
            }
        }
        merged.series.addAll(bySecond.values());
        return merged;
    }

    static ObjectNode percentiles(Histogram h) {
        ObjectNode node = Json.object();
        node.put("count", h.getTotalCount());
        if (h.getTotalCount() > 0) {
            node.put("p50", h.getValueAtPercentile(50) / 1000.0);
            node.put("p90", h.getValueAtPercentile(90) / 1000.0);
            node.put("p99", h.getValueAtPercentile(99) / 1000.0);
            node.put("p99.9", h.getValueAtPercentile(99.9) / 1000.0);
            node.put("max", h.getMaxValue() / 1000.0);
            node.put("mean", Math.round(h.getMean()) / 1000.0);
        }
        return node;
    }

    private static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static Histogram decode(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return new Histogram(Metrics.SIGNIFICANT_DIGITS);
        }
        try {
            Histogram histogram = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
            return histogram;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("a worker's histogram cannot be decoded", e);
        }
    }
}
