package io.loomchat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Real chat servers behind a real nginx running the shipped nginx/loomchat.conf. */
class NginxProxyTest {

    private static final String PASSWORD = "pw";

    @Test
    void aClientRegistersAndLogsInThroughNginx() throws Exception {
        try (RunningServer server = RunningServer.start(Backend.H2, RunningServer.defaultNetwork().withProxyProtocol(true));
             Nginx nginx = Nginx.start(List.of(server.port()));
             ChatClient client = ChatClient.connect("127.0.0.1", nginx.port())) {
            int alice = client.register("alice", PASSWORD);
            assertEquals(alice, client.login(alice, PASSWORD).path("id").asInt());
        }
    }

    /**
     * What the README promises for a dead server: nginx's connect fails, proxy_next_upstream
     * moves the client to another server, and after max_fails the dead one is left out.
     * (Each server has its own database here; every client registers where it lands.)
     */
    @Test
    void newClientsLandOnTheLiveServerWhenTheOtherIsDown() throws Exception {
        try (RunningServer first = RunningServer.start(Backend.H2, RunningServer.defaultNetwork().withProxyProtocol(true));
             RunningServer second = RunningServer.start(Backend.H2, RunningServer.defaultNetwork().withProxyProtocol(true));
             Nginx nginx = Nginx.start(List.of(first.port(), second.port()))) {
            first.stop();
            for (int i = 0; i < 4; i++) {
                try (ChatClient client = ChatClient.connect("127.0.0.1", nginx.port())) {
                    int id = client.register("user" + i, PASSWORD);
                    client.login(id, PASSWORD);
                }
            }
            assertTrue(nginx.accessLog().contains("127.0.0.1:" + second.port()), nginx.accessLog());
        }
    }
}
