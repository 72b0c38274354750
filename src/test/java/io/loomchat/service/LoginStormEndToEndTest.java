package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many more logins at once than the session gate lets in (four per pooled connection: 64 with the
 * test pool of 16), as after another server of the cluster died: every one gets in, and when
 * they all disconnect at once, every user ends up offline in the database.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class LoginStormEndToEndTest extends EndToEndTest {

    private static final int USERS = 300;

    @Test
    void everyLoginOfAStormGetsInAndEverySignOutIsRecorded() throws Exception {
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(offlineUser("storm"));
        }
        ConcurrentLinkedQueue<ChatClient> clients = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> logins = new ArrayList<>();
        for (TestUser user : users) {
            ChatClient client = server.connect();
            clients.add(client);
            logins.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    client.login(user.id(), PASSWORD); // fails on any errno, 10 included
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread login : logins) {
            login.join();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " logins failed, first: " + failures.peek());
        assertEquals(USERS, onlineCount(), "every user of the storm is online");

        clients.forEach(ChatClient::close);
        Await.until(Duration.ofSeconds(20), "every user offline once all disconnected at once",
                () -> onlineCount() == 0);
    }

    private int onlineCount() {
        return server.database().query("SELECT COUNT(*) FROM User WHERE state = 'online'", rows -> {
            rows.next();
            return rows.getInt(1);
        });
    }
}
