package io.loomchat.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.LoomChatContainer;
import io.loomchat.testing.LoomChatImage;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The image built from the project's Dockerfile, run as a user runs it: the embedded database
 * on a named volume, a client that registers, logs in and chats, `docker stop`, and the same
 * volume in a new container.
 */
class ContainerImageEndToEndTest {

    private static final String PASSWORD = "pw";

    private final String volume = "loomchat-test-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeVolume() {
        if (LoomChatImage.isBuilt()) {
            DockerClient docker = DockerClientFactory.instance().client();
            try {
                docker.removeVolumeCmd(volume).exec();
            } catch (NotFoundException neverCreated) {
                // the first container did not get as far as creating it
            }
        }
    }

    @Test
    void usersChatThroughTheImageWhichRunsUnprivilegedStopsCleanlyOnSigtermAndKeepsItsDataOnTheVolume() {
        int alice;
        try (LoomChatContainer server = LoomChatContainer.start("h2", Map.of(), volume)) {
            assertNotEquals("0", server.exec("id", "-u"), "the server runs as root");
            assertEquals(server.exec("id", "-un"), server.exec("stat", "-c", "%U", "/app/data"),
                    "/app/data is not owned by the user the server runs as");

            try (ChatClient aliceClient = ChatClient.connect("127.0.0.1", server.port());
                 ChatClient bobClient = ChatClient.connect("127.0.0.1", server.port())) {
                alice = aliceClient.register("alice", PASSWORD);
                int bob = bobClient.register("bob", PASSWORD);
                aliceClient.login(alice, PASSWORD);
                bobClient.login(bob, PASSWORD);
                aliceClient.call("{\"msgid\":6,\"toid\":" + bob + ",\"msg\":\"hi bob\"}");
                assertEquals("hi bob", bobClient.next(6).path("msg").asText());

                assertEquals(143, server.stop(), "docker stop did not stop the server on SIGTERM:\n" + server.logs());
                assertTrue(bobClient.closedByServer(Duration.ofSeconds(5)), "the server left bob's connection open");
            }
        }
        try (LoomChatContainer again = LoomChatContainer.start("h2-again", Map.of(), volume);
             ChatClient aliceClient = ChatClient.connect("127.0.0.1", again.port())) {
            assertEquals(alice, aliceClient.login(alice, PASSWORD).path("id").asInt(),
                    "alice's account did not survive a new container on the same volume");
        }
    }
}
