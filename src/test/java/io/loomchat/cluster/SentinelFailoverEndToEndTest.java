package io.loomchat.cluster;

import io.loomchat.testing.PrivateSentinels;
import io.loomchat.testing.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers on {@code --redis redis-sentinel://...} (a private master, a replica and three
 * Sentinels), chatting across servers with receipts, while the master is killed with SIGKILL and
 * the Sentinels promote the replica: every connection of each server moves to the new master,
 * and users see a few seconds of errno 10 and offline storage, nothing lost, and the one-session
 * rule intact.
 */
class SentinelFailoverEndToEndTest {

    /** What the issue promises for live cross-server delivery (and logins) after the master dies. */
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);
    /** Generous: a loaded two-core machine, and the rebuild after the failover. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);

    private PrivateSentinels sentinels;
    private TestCluster cluster;
    private FailoverChat chat;

    @BeforeEach
    void startCluster() {
        sentinels = PrivateSentinels.create();
        cluster = TestCluster.start(2, sentinels.url());
        chat = new FailoverChat(sentinels, cluster);
    }

    @AfterEach
    void stopCluster() {
        if (chat != null) {
            chat.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @Test
    void afterTheMasterIsKilledChatAndLoginsComeBackWithinTenSecondsAndNothingAcknowledgedIsLost() {
        chat.chatLive(50);
        chat.killMasterAndRecover(RECOVERY_LIMIT);
        chat.assertOneSessionRuleHolds(SETTLE_LIMIT);
        chat.chatLive(50);
        chat.assertNothingLost(SETTLE_LIMIT);
    }

    @Test
    void withTheOldMasterBackAsAReplicaAndOneSentinelDeadASecondFailoverIsSurvivedToo() {
        chat.chatLive(20);
        int oldMaster = sentinels.master().getPort();
        chat.killMasterAndRecover(RECOVERY_LIMIT);
        chat.assertOneSessionRuleHolds(SETTLE_LIMIT);
        sentinels.restartAsReplica(oldMaster, SETTLE_LIMIT.multipliedBy(2));
        chat.chatLive(20);
        sentinels.killSentinel(0);
        chat.chatLive(20);
        chat.killMasterAndRecover(RECOVERY_LIMIT); // two Sentinels left: still the quorum and a majority
        chat.assertOneSessionRuleHolds(SETTLE_LIMIT);
        chat.chatLive(20);
        chat.assertNothingLost(SETTLE_LIMIT);
    }
}
