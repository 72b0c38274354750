package io.loomchat.testing;

import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.testcontainers.containers.GenericContainer;

/**
 * MariaDB and Redis in containers, for a machine that has a Docker engine but not these
 * services (a laptop with only a JDK and Docker), or for a run that asks for them with
 * {@code LOOMCHAT_TEST_SERVICES=containers} (CI runs the cluster tests once that way). Each is
 * started at most once per test JVM (each of surefire's forks has its own), on a free port of
 * 127.0.0.1, shared by that JVM's tests as the local one would be, and removed when it exits.
 */
final class FallbackServices {

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Guarded by LOCK. */
    private static GenericContainer<?> mariaDb;
    /** Guarded by LOCK. */
    private static GenericContainer<?> redis;
    /** Guarded by LOCK. */
    private static int mariaDbPort;
    /** Guarded by LOCK. */
    private static int redisPort;

    private FallbackServices() {
    }

    /** Whether this run was asked to use containers even where local services run. */
    static boolean forced() {
        return "containers".equalsIgnoreCase(System.getenv("LOOMCHAT_TEST_SERVICES"));
    }

    /** Whether containers can stand in for a missing service. */
    static boolean possible() {
        return forced() || Docker.available();
    }

    /** The JDBC URL (without a database) of the shared MariaDB container, root without a password. */
    static String mariaDbUrl() {
        LOCK.lock();
        try {
            if (mariaDb == null) {
                mariaDbPort = ServerProcess.freePort();
                mariaDb = ServiceContainers.mariaDb(mariaDbPort, Map.of("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1"));
                stopAtExit(mariaDb);
            }
            return "jdbc:mysql://127.0.0.1:" + mariaDbPort + "/";
        } finally {
            LOCK.unlock();
        }
    }

    /** The URL of the shared Redis container. */
    static String redisUrl() {
        LOCK.lock();
        try {
            if (redis == null) {
                redisPort = ServerProcess.freePort();
                redis = ServiceContainers.redis(redisPort);
                stopAtExit(redis);
            }
            return "redis://127.0.0.1:" + redisPort;
        } finally {
            LOCK.unlock();
        }
    }

    private static void stopAtExit(GenericContainer<?> container) {
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-" + container.getDockerImageName()));
    }
}
