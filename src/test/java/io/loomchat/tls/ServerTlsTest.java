package io.loomchat.tls;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator sees when the PEM files given to --tls-cert and --tls-key are not usable. */
class ServerTlsTest {

    @Test
    void aChainAndItsPkcs8KeyAreAcceptedForRsaAndEc(@TempDir Path dir) throws Exception {
        TestCertificates ec = TestCertificates.forLocalhost(dir.resolve("ec"));
        assertTrue(ServerTls.fromPem(ec.certificate(), ec.key()).subject().contains("CN=localhost"));

        Path rsaKey = dir.resolve("rsa.key");
        Path rsaCert = dir.resolve("rsa.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=rsa.test", "-days", "2",
                "-keyout", rsaKey.toString(), "-out", rsaCert.toString());
        assertTrue(ServerTls.fromPem(rsaCert, rsaKey).subject().contains("CN=rsa.test"));
    }

    @Test
    void aKeyOfAnotherCertificateIsNamedAsSuch(@TempDir Path dir) {
        TestCertificates one = TestCertificates.forLocalhost(dir.resolve("one"));
        TestCertificates other = TestCertificates.forLocalhost(dir.resolve("other"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.fromPem(one.certificate(), other.key()));
        assertEquals("the key in " + other.key() + " does not belong to the certificate in " + one.certificate(),
                e.getMessage());
    }

    @Test
    void swappedFilesAndOldFormatKeysGetOneSentenceEach(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.forLocalhost(dir.resolve("certs"));
        IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.fromPem(certificates.key(), certificates.certificate()));
        assertEquals(certificates.key() + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)", swapped.getMessage());

        Path traditional = dir.resolve("traditional.key");
        openssl("genrsa", "-traditional", "-out", traditional.toString(), "2048");
        Path cert = dir.resolve("traditional.pem");
        openssl("req", "-x509", "-new", "-key", traditional.toString(), "-subj", "/CN=old.test", "-days", "2",
                "-out", cert.toString());
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.fromPem(cert, traditional));
        assertTrue(old.getMessage().startsWith(traditional + " holds a RSA PRIVATE KEY in the old format; convert it "
                + "to PKCS#8 with openssl pkcs8 -topk8 -nocrypt"), old.getMessage());

        Path missing = dir.resolve("missing.pem");
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.fromPem(missing, certificates.key()));
        assertTrue(absent.getMessage().startsWith("cannot read " + missing), absent.getMessage());
    }

    private static void openssl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
    }

    @Test
    void reloadTakesANewPairOnceAndKeepsTheOldOneThroughAPairThatDoesNotMatch(@TempDir Path dir) throws Exception {
        TestCertificates before = TestCertificates.forLocalhost(dir.resolve("before"));
        TestCertificates after = TestCertificates.make(dir.resolve("after"), "DNS:renewed.localhost");
        Path certificate = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Files.copy(before.certificate(), certificate);
        Files.copy(before.key(), key);
        ServerTls tls = ServerTls.fromPem(certificate, key);
        String firstSubject = tls.subject();
        assertEquals(ServerTls.Reload.UNCHANGED, tls.reload());

        Files.copy(after.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(ServerTls.Reload.REFUSED, tls.reload());
        assertTrue(tls.lastProblem().contains("does not belong to the certificate"), tls.lastProblem());
        assertEquals(ServerTls.Reload.UNCHANGED, tls.reload(), "the same refused pair is not reported again");
        assertEquals(firstSubject, tls.subject(), "the certificate in use stays");

        Files.delete(key);
        assertEquals(ServerTls.Reload.REFUSED, tls.reload());
        assertTrue(tls.lastProblem().startsWith("cannot read "), tls.lastProblem());

        Files.copy(after.key(), key);
        assertEquals(ServerTls.Reload.RELOADED, tls.reload());
        assertNull(tls.lastProblem());
        assertEquals("CN=renewed.localhost", tls.subject());
        assertEquals(ServerTls.Reload.UNCHANGED, tls.reload());
    }
}
