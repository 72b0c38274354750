package io.loomchat.loadtest;

import io.loomchat.loadtest.report.Progress;
import io.loomchat.loadtest.report.Sample;
import java.io.PrintStream;

/**
 * A worker's progress: each second's sample as one JSON line on stdout,
 * {@code {"tick":{...},"phase":"chat"}}, which the parent merges into its own progress line.
 */
final class WorkerTicks implements Progress.Display {

    private final PrintStream out;

    WorkerTicks(PrintStream out) {
        this.out = out;
    }

    @Override
    public void show(String phase, int seconds, Sample sample) {
        out.println("{\"tick\":" + sample.toJson() + ",\"phase\":\"" + phase + "\",\"seconds\":" + seconds + "}");
        out.flush();
    }

    @Override
    public void finish() {
        // The parent ends its own line.
    }
}
