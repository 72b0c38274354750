package io.loomchat.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.loadtest.report.Figures;
import io.loomchat.loadtest.report.ProgressLine;
import io.loomchat.loadtest.report.Sample;
import io.loomchat.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * --processes K: starts K JVMs of this same program (java from java.home, this classpath),
 * each told to be worker i of K. A worker takes its share of the users and of the source
 * addresses, prints each second's sample and at the end its figures as JSON lines on stdout,
 * and anything else on stderr (relayed here with its number). The parent shows the sum of the
 * workers' latest samples as one progress line and merges their figures. One JVM holds at most ~20,000 open files here,
 * so this is how one command opens more clients than that.
 */
final class WorkerPool {

    private final int processes;
    private final String scenario;
    private final List<String> args;
    private final String prefix;
    private final PrintStream err;
    /** Each worker's latest sample and phase, for the merged progress line. */
    private final AtomicReferenceArray<Sample> latest;
    private volatile String phase = "starting";

    WorkerPool(int processes, String scenario, List<String> args, String prefix, PrintStream err) {
        this.processes = processes;
        this.scenario = scenario;
        this.args = args;
        this.prefix = prefix;
        this.err = err;
        this.latest = new AtomicReferenceArray<>(processes);
    }

    Figures run() throws IOException, InterruptedException {
        List<Process> workers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<AtomicReference<String>> results = new ArrayList<>();
        ProgressLine line = new ProgressLine(err);
        Thread progress = Thread.ofVirtual().name("workers-progress").start(() -> showProgress(line));
        try {
            for (int i = 0; i < processes; i++) {
                workers.add(new ProcessBuilder(command(i)).start());
            }
            StartLine.Gate start = new StartLine.Gate(workers);
            for (int i = 0; i < processes; i++) {
                Process process = workers.get(i);
                AtomicReference<String> result = new AtomicReference<>();
                results.add(result);
                int number = i;
                readers.add(Thread.ofVirtual().name("worker-stdout").start(() -> readResult(process, result, number, start)));
                readers.add(Thread.ofVirtual().name("worker-stderr").start(() -> relay(process, number)));
            }
            List<Figures> parts = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                int exit = workers.get(i).waitFor();
                readers.get(2 * i).join();
                readers.get(2 * i + 1).join();
                String json = results.get(i).get();
                if (json == null) {
                    throw new IOException("worker " + i + " exited with " + exit + " without reporting its figures");
                }
                parts.add(Figures.fromJson(Json.parse(json)));
            }
            return Figures.merge(parts);
        } finally {
            progress.interrupt(); // it only sleeps and prints: no socket to close
            progress.join();
            line.finish();
            // Normally all have exited; after a failure here, do not leave workers behind.
            workers.forEach(Process::destroyForcibly);
        }
    }

    private List<String> command(int worker) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Djava.awt.headless=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.loomchat.cli.LoomChat");
        command.add("loadtest");
        command.add(scenario);
        command.addAll(args);
        command.add("--prefix");
        command.add(prefix);
        command.add("--worker");
        command.add(worker + "/" + processes);
        return command;
    }

    private void readResult(Process process, AtomicReference<String> result, int worker, StartLine.Gate start) {
        boolean ready = false;
        try (BufferedReader lines = reader(process.getInputStream())) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.equals(StartLine.READY)) {
                    ready = true;
                    start.arrived();
                } else if (line.startsWith("{\"tick\"")) {
                    JsonNode tick = Json.parse(line);
                    latest.set(worker, Sample.fromJson(tick.path("tick")));
                    if (worker == 0) {
                        phase = tick.path("phase").asText();
                    }
                } else if (line.startsWith("{")) {
                    result.set(line);
                } else {
                    err.println("[worker " + worker + "] " + line);
                }
            }
        } catch (IOException e) {
            err.println("[worker " + worker + "] reading its figures failed: " + e);
        } finally {
            if (!ready) {
                start.arrived(); // it ended before its clients were in: the others must not wait for it
            }
        }
    }

    /** Once a second, the sum of the workers' latest samples. */
    private void showProgress(ProgressLine line) {
        int seconds = 0;
        try {
            while (true) {
                TimeUnit.SECONDS.sleep(1);
                seconds++;
                Sample sum = null;
                for (int i = 0; i < processes; i++) {
                    Sample sample = latest.get(i);
                    if (sample != null) {
                        sum = sum == null ? sample : sum.plus(sample);
                    }
                }
                if (sum != null) {
                    line.show(phase, seconds, sum);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the workers are done
        }
    }

    private void relay(Process process, int worker) {
        try (BufferedReader lines = reader(process.getErrorStream())) {
            String line;
            while ((line = lines.readLine()) != null) {
                err.println("[worker " + worker + "] " + line);
            }
        } catch (IOException e) {
            err.println("[worker " + worker + "] reading its progress failed: " + e);
        }
    }

    private static BufferedReader reader(java.io.InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}
