package io.loomchat.loadtest.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.loadtest.LoadOptions;
import io.loomchat.loadtest.report.Count;
import io.loomchat.testing.Await;
import io.loomchat.testing.Backend;
import io.loomchat.testing.RunningServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Two simulated users against a real server with delivery receipts (protocol 2.2): what the
 * recipient leaves unconfirmed comes again at its next login and is dropped by mid, and what it
 * confirms before LOGINOUT never comes again. The run's flusher is stopped, so that whether a
 * message was confirmed is up to the test, not to a timer.
 */
class SimUserReceiptsTest {

    private static RunningServer server;
    private RunContext run;
    private List<SimUser> users;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start(Backend.H2);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void closeUsers() throws Exception {
        if (users != null) {
            Population.closeAll(run, users);
        }
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aMessageLeftUnconfirmedComesAgainAtTheNextLoginAndIsDroppedByMid() throws Exception {
        Stream toB = twoUsers("--one-way");
        SimUser a = users.get(0);
        SimUser b = users.get(1);
        a.login();
        b.login();
        assertEquals(2, run.metrics.get(Count.RECEIPT_SESSIONS), "the server granted receipts");

        a.sendChat(toB, "x".repeat(30));
        awaitCount(Count.DELIVERED, 1);
        b.close(); // the session ends before any RECEIPT
        loginWhenFree(b);

        awaitCount(Count.DUPLICATED_DROPPED, 1);
        assertEquals(1, run.metrics.get(Count.DELIVERED), "shown once");
        assertEquals(0, run.metrics.get(Count.DUPLICATED_SHOWN));
        assertEquals(0, run.metrics.get(Count.ERRORS));
    }

    @Test
    void whatIsConfirmedBeforeLogoutNeverComesAgain() throws Exception {
        Stream toB = twoUsers("--one-way");
        SimUser a = users.get(0);
        SimUser b = users.get(1);
        a.login();
        b.login();

        a.sendChat(toB, "x".repeat(30));
        awaitCount(Count.DELIVERED, 1);
        b.logout();
        assertEquals(1, run.metrics.get(Count.CONFIRMED), "the RECEIPT went out before LOGINOUT");
        b.login();
        b.logout();

        assertEquals(0, run.metrics.get(Count.DUPLICATED_DROPPED));
        assertEquals(0, run.metrics.get(Count.ERRORS), "no RECEIPT was refused (errno 3 would follow a LOGINOUT)");
    }

    @Test
    void withoutReceiptsNothingIsConfirmedAndNothingComesAgain() throws Exception {
        Stream toB = twoUsers("--one-way", "--no-receipts");
        SimUser a = users.get(0);
        SimUser b = users.get(1);
        a.login();
        b.login();

        a.sendChat(toB, "x".repeat(30));
        awaitCount(Count.DELIVERED, 1);
        b.close();
        loginWhenFree(b);
        b.logout();

        assertEquals(0, run.metrics.get(Count.RECEIPT_SESSIONS));
        assertEquals(0, run.metrics.get(Count.RECEIPT_FRAMES));
        assertEquals(0, run.metrics.get(Count.DUPLICATED_DROPPED), "2.1: handed to the session is delivered");
        assertEquals(0, run.metrics.get(Count.ERRORS));
    }

    /** Registers users 0 and 1 and opens the stream from 0 to 1, with the given options. */
    private Stream twoUsers(String... extraOptions) throws Exception {
        String[] args = new String[extraOptions.length + 2];
        args[0] = "--pairs";
        args[1] = "1";
        System.arraycopy(extraOptions, 0, args, 2, extraOptions.length);
        LoadOptions options = CommandLine.populateCommand(new LoadOptions(), args);
        AddressPlan plan = new AddressPlan(AddressPlan.parseTargets(List.of(), "127.0.0.1", server.port()),
                List.<InetAddress>of(), false);
        run = new RunContext(options, plan, "receipts-" + System.nanoTime(), System.err);
        if (run.receiptFlusher != null) {
            run.receiptFlusher.close();
        }
        users = Population.register(run, 0, 2);
        return Pairs.open(run, users).get(0);
    }

    /** The server frees a user whose connection ended a moment later: errno 2 until then. */
    private static void loginWhenFree(SimUser user) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                user.login();
                return;
            } catch (LoginRefusedException e) {
                if (e.errno != 2 || attempt == 50) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private void awaitCount(Count count, long expected) {
        Await.until(Duration.ofSeconds(10), count + " reaching " + expected, () -> run.metrics.get(count) >= expected);
    }
}
