package io.loomchat.cluster;

import io.loomchat.testing.PrivateSentinels;
import io.loomchat.testing.TestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test but a measurement (loadtest/sentinel-failover.sh runs it): the master of a
 * Sentinel set is killed with SIGKILL {@code loomchat.failovers} times under the chat of
 * {@link FailoverChat}, the killed one coming back as a replica before the next kill, and the
 * seconds until live cross-server delivery and until the first login are written to
 * {@code loomchat.failovers.out}. Skipped unless {@code loomchat.failovers} is set.
 */
@EnabledIfSystemProperty(named = "loomchat.failovers", matches = "[1-9][0-9]*")
class SentinelFailoverMeasurement {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void secondsFromTheMastersDeathToLiveDeliveryAndToTheFirstLogin() throws IOException {
        int runs = Integer.getInteger("loomchat.failovers");
        Path out = Path.of(System.getProperty("loomchat.failovers.out", "target/sentinel-failover.txt"));
        List<FailoverChat.Recovery> recoveries = new ArrayList<>();
        try (PrivateSentinels sentinels = PrivateSentinels.create();
             TestCluster cluster = TestCluster.start(2, sentinels.url());
             FailoverChat chat = new FailoverChat(sentinels, cluster)) {
            chat.chatLive(50);
            for (int run = 1; run <= runs; run++) {
                int killed = sentinels.master().getPort();
                FailoverChat.Recovery recovery = chat.killMasterAndRecover(LIMIT);
                recoveries.add(recovery);
                System.out.printf(Locale.ROOT, "failover %d: live delivery after %.2f s, first login after %.2f s%n",
                        run, recovery.liveDeliverySeconds(), recovery.loginSeconds());
                chat.assertOneSessionRuleHolds(LIMIT);
                chat.chatLive(20);
                if (run < runs) {
                    sentinels.restartAsReplica(killed, LIMIT.multipliedBy(2));
                    chat.chatLive(20);
                }
            }
            chat.assertNothingLost(LIMIT);
            String report = report(recoveries, chat.acknowledgedCount(), chat.repeatedAcrossFailovers());
            System.out.print(report);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String report(List<FailoverChat.Recovery> recoveries, int acknowledged, int repeated) {
        StringBuilder text = new StringBuilder();
        text.append("| run | live cross-server delivery (s) | first login (s) |\n|---|---|---|\n");
        for (int i = 0; i < recoveries.size(); i++) {
            text.append(String.format(Locale.ROOT, "| %d | %.2f | %.2f |%n", i + 1,
                    recoveries.get(i).liveDeliverySeconds(), recoveries.get(i).loginSeconds()));
        }
        text.append(String.format(Locale.ROOT, "| median | %.2f | %.2f |%n",
                median(recoveries, FailoverChat.Recovery::liveDeliverySeconds), median(recoveries, FailoverChat.Recovery::loginSeconds)));
        text.append(String.format(Locale.ROOT, "| worst | %.2f | %.2f |%n",
                worst(recoveries, FailoverChat.Recovery::liveDeliverySeconds), worst(recoveries, FailoverChat.Recovery::loginSeconds)));
        text.append(String.format(Locale.ROOT, "%n%d messages acknowledged: none lost; %d received live again after a later failover%n",
                acknowledged, repeated));
        return text.toString();
    }

    private static double median(List<FailoverChat.Recovery> recoveries, ToDoubleFunction<FailoverChat.Recovery> value) {
        List<Double> sorted = recoveries.stream().map(value::applyAsDouble).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double worst(List<FailoverChat.Recovery> recoveries, ToDoubleFunction<FailoverChat.Recovery> value) {
        return recoveries.stream().map(value::applyAsDouble).max(Comparator.naturalOrder()).orElseThrow();
    }
}
