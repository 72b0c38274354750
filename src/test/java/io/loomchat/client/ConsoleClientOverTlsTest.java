package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.NetworkConfig;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ProcessCluster;
import io.loomchat.testing.RunningServer;
import io.loomchat.testing.TestCertificates;
import io.loomchat.tls.ServerTls;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real console client with --tls: against a server terminating TLS itself (--tls-cert) and
 * through nginx terminating it in front of two servers, with a CA made by scripts/make-certs.
 * What a user checks: chat works, a reconnect stays on TLS, and a server that cannot be trusted
 * is refused with one sentence before anything is sent.
 */
class ConsoleClientOverTlsTest {

    private static final String TIME = "^\\[\\d\\d:\\d\\d\\] ";
    private static final String UNTRUSTED = "the server's certificate is not signed by a trusted CA (use --ca-file)";

    private static RunningServer tlsServer(TestCertificates certificates) {
        NetworkConfig network = RunningServer.defaultNetwork()
                .withTls(ServerTls.fromPem(certificates.certificate(), certificates.key()));
        return RunningServer.start(Backend.H2, network);
    }

    @Test
    void clientsChatOverTheServersOwnTlsAndReconnectOverTlsAfterARestart(@TempDir Path dir) {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        String ca = certificates.ca().toString();
        try (RunningServer server = tlsServer(certificates);
             ClientProcess alice = ClientProcess.start("alice", server.port(), "alice-pw",
                     "--tls", "--ca-file", ca, "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", server.port(), "bob-pw",
                     "--tls", "--ca-file", ca, "--register", "bob")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");
            alice.send("chat " + bobId + " hello over TLS");
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): hello over TLS$"));

            server.restart();

            alice.await("Reconnected to 127.0.0.1:" + server.port() + "; logged in again as alice");
            bob.await("Reconnected to 127.0.0.1:" + server.port() + "; logged in again as bob");
            bob.send("chat " + aliceId + " still encrypted");
            alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\): still encrypted$"));
            assertEquals(List.of(), alice.printed("Refused"), alice.transcript());
        }
    }

    @Test
    void anUnknownCaIsRefusedWithOneSentenceAndNothingIsSent(@TempDir Path dir) {
        TestCertificates server = TestCertificates.forLocalhost(dir.resolve("server"));
        TestCertificates stranger = TestCertificates.forLocalhost(dir.resolve("stranger"));
        try (RunningServer running = tlsServer(server);
             ClientProcess withOtherCa = ClientProcess.start("other-ca", running.port(), "pw",
                     "--tls", "--ca-file", stranger.ca().toString(), "--register", "mallory");
             ClientProcess withDefaultStore = ClientProcess.start("default-store", running.port(), "pw",
                     "--tls", "--register", "mallory")) {
            for (ClientProcess refused : List.of(withOtherCa, withDefaultStore)) {
                refused.await("Refused to connect to 127.0.0.1:" + running.port() + ": " + UNTRUSTED + ".");
                assertEquals(ConsoleClient.EXIT_NOT_TRUSTED, refused.awaitExit(), refused.transcript());
                assertEquals(List.of(), refused.printed("Registered"), refused.transcript());
            }
            // Nothing reached the server: the first account made is still user 1.
            try (ClientProcess carol = ClientProcess.start("carol", running.port(), "pw",
                    "--tls", "--ca-file", server.ca().toString(), "--register", "carol")) {
                assertEquals(1, registered(carol, "carol"));
            }
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused(@TempDir Path dir) {
        TestCertificates elsewhere = TestCertificates.make(dir, "DNS:chat.example.org");
        try (RunningServer server = tlsServer(elsewhere);
             ClientProcess client = ClientProcess.start("client", server.port(), "pw",
                     "--tls", "--ca-file", elsewhere.ca().toString(), "--register", "dave")) {
            client.await("Refused to connect to 127.0.0.1:" + server.port()
                    + ": the server's certificate is not for 127.0.0.1");
            assertEquals(ConsoleClient.EXIT_NOT_TRUSTED, client.awaitExit(), client.transcript());
        }
    }

    @Test
    void aPlaintextClientIsToldTheServerSpeaksTlsWhileAHandshakeThatNeverCompletesHoldsUpNobody(@TempDir Path dir)
            throws Exception {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        try (RunningServer server = tlsServer(certificates);
             // Connected, never says hello: its handshake waits on its own thread, not the accept loop's.
             Socket silent = new Socket("127.0.0.1", server.port());
             ClientProcess plaintext = ClientProcess.start("plaintext", server.port(), "pw", "--register", "erin")) {
            plaintext.await("Refused to connect to 127.0.0.1:" + server.port() + ": the server speaks TLS (connect with --tls).");
            try (ClientProcess secure = ClientProcess.start("secure", server.port(), "pw",
                    "--tls", "--ca-file", certificates.ca().toString(), "--register", "frank")) {
                assertEquals(1, registered(secure, "frank"), "erin was never registered");
            }
            assertEquals(List.of(), plaintext.printed("Registered"), plaintext.transcript());
            assertEquals(List.of(), plaintext.printed("Lost the connection"), "it does not retry: " + plaintext.transcript());
            assertEquals(ConsoleClient.EXIT_NOT_TRUSTED, plaintext.awaitExit(), plaintext.transcript());
            assertTrue(silent.isConnected());
        }
    }

    @Test
    void clientsChatThroughNginxTerminatingTlsInFrontOfTwoServers(@TempDir Path dir) {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        String ca = certificates.ca().toString();
        try (ProcessCluster cluster = ProcessCluster.startBehindNginxWithWeb(List.of("tls1", "tls2"), certificates);
             ClientProcess alice = ClientProcess.start("alice", cluster.nginxPort(), "alice-pw",
                     "--tls", "--ca-file", ca, "--register", "alice");
             ClientProcess bob = ClientProcess.start("bob", cluster.nginxPort(), "bob-pw",
                     "--tls", "--ca-file", ca, "--register", "bob");
             ClientProcess stranger = ClientProcess.start("stranger", cluster.nginxPort(), "pw",
                     "--tls", "--register", "mallory")) {
            int aliceId = registered(alice, "alice");
            int bobId = registered(bob, "bob");
            alice.send("addfriend " + bobId);
            alice.await("bob (" + bobId + ") is now your friend");
            alice.send("chat " + bobId + " through nginx, encrypted");
            bob.await(Pattern.compile(TIME + "alice \\(" + aliceId + "\\): through nginx, encrypted$"));
            bob.send("chat " + aliceId + " and back");
            alice.await(Pattern.compile(TIME + "bob \\(" + bobId + "\\): and back$"));

            stranger.await("Refused to connect to 127.0.0.1:" + cluster.nginxPort() + ": " + UNTRUSTED + ".");
            assertEquals(ConsoleClient.EXIT_NOT_TRUSTED, stranger.awaitExit(), stranger.transcript());
        }
    }

    /** Waits for the registration and the login after it; returns the new user's id. */
    private static int registered(ClientProcess client, String name) {
        int id = Integer.parseInt(client.await(Pattern.compile("^Registered " + name + " as user (\\d+)\\.$")).group(1));
        client.await("Logged in as " + name + " (id " + id + ").");
        return id;
    }
}
