package io.loomchat.loadtest.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's PNG charts, drawn with JFreeChart. Rendering needs no display: the load test
 * sets {@code java.awt.headless=true} before the first AWT class loads.
 */
final class Charts {

    static final int WIDTH = 1000;
    static final int HEIGHT = 500;
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private Charts() {
    }

    /** Writes the charts into {@code dir} and returns their file names. */
    static List<String> write(Path dir, RunInfo info, Figures figures) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Sample> series = figures.series;
        long first = series.isEmpty() ? 0 : series.get(0).second();
        save(dir.resolve("throughput.png"), timeChart(info.scenario() + ": throughput", "per second", series, first,
                Map.of("delivered msgs/s", Sample::deliveredPerSecond, "sent msgs/s", Sample::sentPerSecond,
                        "logins/s", Sample::loginsPerSecond)));
        save(dir.resolve("connections.png"), timeChart(info.scenario() + ": clients connected", "clients", series, first,
                Map.of("connected", Sample::connected)));
        save(dir.resolve("latency-over-time.png"), timeChart(info.scenario() + ": delivery latency per second",
                "milliseconds", series, first, Map.of("p99 (ms)", s -> s.p99Micros(), "p50 (ms)", s -> s.p50Micros()),
                0.001));
        save(dir.resolve("latency-percentiles.png"), percentileChart(info.scenario(), figures.latencies));
        return List.of("throughput.png", "connections.png", "latency-over-time.png", "latency-percentiles.png");
    }

    private static JFreeChart timeChart(String title, String yLabel, List<Sample> series, long first,
                                        Map<String, ToLongFunction<Sample>> lines) {
        return timeChart(title, yLabel, series, first, lines, 1.0);
    }

    private static JFreeChart timeChart(String title, String yLabel, List<Sample> series, long first,
                                        Map<String, ToLongFunction<Sample>> lines, double scale) {
        XYSeriesCollection data = new XYSeriesCollection();
        lines.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(line -> {
            XYSeries xy = new XYSeries(line.getKey());
            for (Sample sample : series) {
                xy.add(sample.second() - first, line.getValue().applyAsLong(sample) * scale);
            }
            data.addSeries(xy);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, "seconds since start", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        style(chart);
        return chart;
    }

    private static JFreeChart percentileChart(String scenario, Map<Latency, Histogram> latencies) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Latency latency : Latency.values()) {
            Histogram h = latencies.get(latency);
            if (h == null || h.getTotalCount() == 0) {
                continue;
            }
            for (double p : PERCENTILES) {
                data.addValue(h.getValueAtPercentile(p) / 1e6, latency.key(), "p" + trim(p));
            }
            data.addValue(h.getMaxValue() / 1e6, latency.key(), "max");
        }
        JFreeChart chart = ChartFactory.createBarChart(scenario + ": latency percentiles (whole run)", "percentile",
                "milliseconds", data, PlotOrientation.VERTICAL, true, false, false);
        style(chart);
        return chart;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
    }

    private static String trim(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    private static void save(Path file, JFreeChart chart) throws IOException {
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
