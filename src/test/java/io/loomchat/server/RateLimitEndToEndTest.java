package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class RateLimitEndToEndTest extends EndToEndTest {

    private static final int PER_SECOND = 20;

    @Override
    protected RunningServer startServerFor(Backend backend) {
        return RunningServer.start(TestDatabase.create(backend), true, RunningServer.defaultNetwork(),
                RunningServer.defaultService().withRequestsPerSecond(PER_SECOND));
    }

    @Test
    void aFloodIsRefusedWithErrno8AndServedAgainOnceItStops() throws InterruptedException {
        ChatClient client = connect();
        int requests = 10 * PER_SECOND;
        for (int i = 0; i < requests; i++) {
            client.send("{\"msgid\":12,\"seq\":" + i + "}");
        }
        int served = 0;
        int limited = 0;
        for (int i = 0; i < requests; i++) {
            JsonNode reply = client.nextReply();
            assertEquals(i, reply.path("seq").asInt(), "every request is answered, in order");
            if (reply.path("msgid").asInt() == 13) {
                served++;
            } else {
                assertEquals(12, reply.path("ack").asInt(), reply::toString);
                assertEquals(8, reply.path("errno").asInt(), reply::toString);
                limited++;
            }
        }
        assertTrue(served >= 2 * PER_SECOND, "the burst is served: " + served);
        assertTrue(limited >= requests / 2, "the flood is refused: " + limited);

        Thread.sleep(1_000);
        assertEquals(13, client.call("{\"msgid\":12}").path("msgid").asInt());
    }

    @Test
    void theLimitIsPerConnection() {
        ChatClient flooder = connect();
        for (int i = 0; i < 10 * PER_SECOND; i++) {
            flooder.send("{\"msgid\":12}");
        }
        assertEquals(13, connect().call("{\"msgid\":12}").path("msgid").asInt());
    }
}
