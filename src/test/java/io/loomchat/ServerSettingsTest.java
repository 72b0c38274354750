package io.loomchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.cluster.ClusterConfig;
import io.loomchat.store.StoreConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A server's settings are checked as a whole, once, and a refusal names the option to fix. */
class ServerSettingsTest {

    private static final StoreConfig EMBEDDED = new StoreConfig(StoreConfig.EMBEDDED_URL, "root", "");
    private static final StoreConfig SHARED = new StoreConfig("jdbc:mysql://127.0.0.1:3306/loomchat", "root", "");

    @Test
    void aClusterOverTheEmbeddedDatabaseIsRefusedNamingBothOptions() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.builder(EMBEDDED).cluster("redis://127.0.0.1:6379", null, null).build());
        assertTrue(refused.getMessage().contains("--redis") && refused.getMessage().contains("--db-url"),
                refused.getMessage());
    }

    @Test
    void aNodeIdWithoutRedisIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.builder(SHARED).cluster(null, "n1", null));
        assertTrue(refused.getMessage().startsWith("--node-id"), refused.getMessage());
    }

    @Test
    void noRedisMeansASingleServerWhateverThePrefix() {
        ServerSettings settings = ServerSettings.builder(EMBEDDED).cluster("", "", ClusterConfig.DEFAULT_CHANNEL_PREFIX)
                .build();
        assertNull(settings.cluster());
        assertEquals("single", settings.nodeName());
    }

    @Test
    void aClusterNodeIsNamedByItsNodeId() {
        ServerSettings settings = ServerSettings.builder(SHARED).cluster("redis://127.0.0.1:6379", "n1", null).build();
        assertEquals("n1", settings.nodeName());
    }

    @Test
    void aNegativeReloadIntervalOrAMetricsPortOutOfRangeIsRefused() {
        IllegalArgumentException reload = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.builder(EMBEDDED).tlsReloadInterval(Duration.ofSeconds(-1)).build());
        assertTrue(reload.getMessage().startsWith("--tls-reload-interval"), reload.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.builder(EMBEDDED).metricsPort(70_000).build());
        assertTrue(port.getMessage().startsWith("--metrics-port"), port.getMessage());
    }

    @Test
    void toBuilderKeepsEveryPart() {
        ServerSettings settings = ServerSettings.builder(SHARED).cluster("redis://127.0.0.1:6379", "n1", "t:")
                .metricsPort(0).tlsReloadInterval(Duration.ZERO).build();
        assertEquals(settings, settings.toBuilder().build());
    }
}
