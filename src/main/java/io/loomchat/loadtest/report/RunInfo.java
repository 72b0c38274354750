package io.loomchat.loadtest.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.loadtest.LoadOptions;
import io.loomchat.protocol.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What a recorded run needs beside its figures to be reproduced and compared: when, the exact
 * command, the machine, this JVM's flags, and the server's request limit as the operator
 * stated it (the load test cannot ask the server).
 *
 * @param receipts whether the clients asked for delivery receipts; how many logins the servers
 *                 granted them is counted ({@link Count#RECEIPT_SESSIONS})
 * @param devices  device sessions per user (--devices); 1 = sessions without a device id
 */
public record RunInfo(String scenario, String command, Instant started, String machine, String jvm, String jvmFlags,
               int serverRateLimit, int processes, String framing, String loop, boolean receipts, int devices) {

    public static RunInfo of(String scenario, String command, LoadOptions options) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
        String machine = String.format("%d CPUs, %.1f GiB, %s %s %s, load average %.2f at start",
                os.getAvailableProcessors(), memory / (1024.0 * 1024 * 1024), os.getName(), os.getVersion(),
                os.getArch(), os.getSystemLoadAverage());
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        String flags = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        String loop = options.closedLoop() ? "closed loop, window " + options.window
                : "open loop, " + options.rate + " msgs/s";
        return new RunInfo(scenario, command, Instant.now().truncatedTo(ChronoUnit.SECONDS), machine, jvm,
                flags.isEmpty() ? "(none)" : flags, options.serverRateLimit, options.processes, options.framing, loop,
                options.receipts(), options.devices);
    }

    String serverRateLimitText() {
        return serverRateLimit < 0 ? "not stated (--server-rate-limit)"
                : serverRateLimit == 0 ? "0 (no limit)" : serverRateLimit + " requests/s per connection";
    }

    ObjectNode toJson() {
        ObjectNode json = Json.object();
        json.put("scenario", scenario);
        json.put("command", command);
        json.put("started", started.toString());
        json.put("machine", machine);
        json.put("jvm", jvm);
        json.put("jvmFlags", jvmFlags);
        json.put("serverRateLimit", serverRateLimit);
        json.put("processes", processes);
        json.put("framing", framing);
        json.put("loop", loop);
        json.put("receipts", receipts);
        json.put("devices", devices);
        return json;
    }
}
