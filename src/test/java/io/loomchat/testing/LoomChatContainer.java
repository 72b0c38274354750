package io.loomchat.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.slf4j.LoggerFactory;

/**
 * {@code loomchat server} in a container of the project's image, on the host's network (all
 * traffic stays on 127.0.0.1) and a free port, configured only by LOOMCHAT_* variables as a user
 * would. Ready once Docker reports the image's HEALTHCHECK healthy.
 */
public final class LoomChatContainer implements AutoCloseable {

    /** Generous: a cold JVM on a busy two-core box, and the HEALTHCHECK runs every 5 s. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /** What compose gives a server (stop_grace_period) before SIGKILL. */
    private static final int STOP_GRACE_SECONDS = 30;

    private final GenericContainer<?> container;
    private final int port;

    private LoomChatContainer(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    /**
     * Starts the image with {@code environment} added to the port and test-speed settings, and
     * the named volume {@code dataVolume} (null for none) on /app/data.
     */
    public static LoomChatContainer start(String name, Map<String, String> environment, String dataVolume) {
        return start(name, environment, dataVolume, false);
    }

    /**
     * As compose.yaml runs a cluster server: restarted when it exits (restart: unless-stopped).
     * A server that cannot reach its database within its 5 s connection timeout exits 4, which
     * a cold JVM on a loaded two-core box does now and then; Docker then starts it again.
     */
    public static LoomChatContainer startRestarting(String name, Map<String, String> environment) {
        return start(name, environment, null, true);
    }

    private static LoomChatContainer start(String name, Map<String, String> environment, String dataVolume,
            boolean restart) {
        String image = LoomChatImage.build();
        int port = ServerProcess.freePort();
        @SuppressWarnings("resource") // closed by close()
        GenericContainer<?> container = new GenericContainer<>(image)
                .withNetworkMode("host")
                .withEnv("LOOMCHAT_HOST", "127.0.0.1")
                .withEnv("LOOMCHAT_PORT", String.valueOf(port))
                .withEnv("LOOMCHAT_PASSWORD_ITERATIONS", String.valueOf(RunningServer.TEST_PASSWORD_ITERATIONS))
                .withEnv("LOOMCHAT_MAX_REQUESTS_PER_SECOND", "0")
                .withEnv(environment)
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container " + name)))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(START_TIMEOUT));
        container.withCreateContainerCmdModifier(create -> {
            if (dataVolume != null) {
                create.getHostConfig().withBinds(new Bind(dataVolume, new Volume("/app/data")));
            }
            if (restart) {
                create.getHostConfig().withRestartPolicy(RestartPolicy.unlessStoppedRestart());
            }
        });
        container.start();
        return new LoomChatContainer(container, port);
    }

    public int port() {
        return port;
    }

    /** Runs a command inside the container and returns its standard output. */
    public String exec(String... command) {
        try {
            var result = container.execInContainer(command);
            if (result.getExitCode() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + result.getExitCode() + ": "
                        + result.getStderr());
            }
            return result.getStdout().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Everything the container printed so far. */
    public String logs() {
        return container.getLogs();
    }

    /**
     * {@code docker stop}: SIGTERM, SIGKILL after the grace period. Returns the exit code: 143
     * when the server stopped on the signal, 137 when it had to be killed.
     */
    public long stop() {
        DockerClient docker = DockerClientFactory.instance().client();
        docker.stopContainerCmd(container.getContainerId()).withTimeout(STOP_GRACE_SECONDS).exec();
        InspectContainerResponse stopped = docker.inspectContainerCmd(container.getContainerId()).exec();
        return stopped.getState().getExitCodeLong();
    }

    @Override
    public void close() {
        container.stop();
    }
}
