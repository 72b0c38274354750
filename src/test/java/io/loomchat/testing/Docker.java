package io.loomchat.testing;

import org.testcontainers.DockerClientFactory;

/**
 * The Docker engine the container tests and the fixtures' container fallback use, found by
 * Testcontainers the way the docker CLI finds it (DOCKER_HOST, else the local socket). Images
 * are named by environment variables that default to the official ones, so that a machine that
 * cannot pull them (as CI's) points the tests at its own: scripts/docker-standin-images
 * --env prints those variables for stand-ins built from Debian packages.
 */
public final class Docker {

    private Docker() {
    }

    public static boolean available() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    /**
     * Returns when a Docker engine answers; otherwise fails (CI) or skips the test, naming where
     * the engine was looked for. Every path to a container goes through here (the image's build,
     * {@link ServiceContainers}), so a test class is skipped without a check of its own. A
     * class that starts its containers in {@code @BeforeAll} calls this before each test as
     * well: surefire reports a class whose {@code @BeforeAll} was aborted as "Tests run: 0",
     * without the reason (SUREFIRE-2300).
     */
    public static void require() {
        if (!available()) {
            String dockerHost = System.getenv("DOCKER_HOST");
            String where = dockerHost == null || dockerHost.isBlank() ? "the local socket" : "DOCKER_HOST=" + dockerHost;
            throw Prerequisite.missing("no Docker engine answers at " + where
                    + " (start dockerd, or point DOCKER_HOST at one): this test runs containers");
        }
    }

    /** The image named by {@code variable}, or {@code officialDefault} when it is unset. */
    public static String image(String variable, String officialDefault) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? officialDefault : value;
    }

    public static String mariaDbImage() {
        return image("LOOMCHAT_TEST_MARIADB_IMAGE", "mariadb:11.4");
    }

    public static String redisImage() {
        return image("LOOMCHAT_TEST_REDIS_IMAGE", "redis:7");
    }

    public static String nginxImage() {
        return image("LOOMCHAT_TEST_NGINX_IMAGE", "nginx:1.27");
    }
}
