package io.loomchat.loadtest.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes --report DIR: report.json (raw figures), report.md (the summary) and the charts. */
public final class ReportWriter {

    private ReportWriter() {
    }

    public static void write(Path dir, RunInfo info, Figures figures) throws IOException {
        Files.createDirectories(dir);
        ObjectNode json = figures.toJson();
        json.put("devices", info.devices());
        json.set("run", info.toJson());
        Files.writeString(dir.resolve("report.json"),
                Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        List<String> charts = Charts.write(dir, info, figures);
        Files.writeString(dir.resolve("report.md"), markdown(info, figures, charts));
    }

    static String markdown(RunInfo info, Figures figures, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# loomchat loadtest ").append(info.scenario()).append(" (").append(info.started()).append(")\n\n");
        md.append("```\n").append(info.command()).append("\n```\n\n");
        md.append("- machine: ").append(info.machine()).append('\n');
        md.append("- load-test JVM: ").append(info.jvm()).append(", flags: ").append(info.jvmFlags()).append('\n');
        md.append("- load-test processes: ").append(info.processes()).append('\n');
        md.append("- server request limit: ").append(info.serverRateLimitText()).append("\n\n");
        md.append("| figure | value |\n|---|---|\n");
        for (Summary.Row row : Summary.rows(info, figures)) {
            md.append("| ").append(row.name()).append(" | ").append(row.value().replace("|", "\\|")).append(" |\n");
        }
        md.append('\n');
        for (String chart : charts) {
            md.append("![").append(chart).append("](").append(chart).append(")\n\n");
        }
        return md.toString();
    }
}
