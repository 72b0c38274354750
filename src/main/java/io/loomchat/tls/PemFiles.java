package io.loomchat.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files an operator has: certificates (a chain: the server's own first, then the
 * CAs that signed it) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}), RSA,
 * EC or EdDSA. The JDK reads PEM certificates itself but has no PEM reader for private keys
 * before JDK 25, so the key's Base64 body is decoded here. Every failure is an
 * {@link IllegalArgumentException} with one sentence naming the file.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private PemFiles() {
    }

    /** Every certificate in the file, in the file's order. */
    static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " holds a certificate the JDK cannot read: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /**
     * The private key in the file, of the algorithm of {@code certificate}'s public key, checked
     * to be that key's pair: a mismatch would otherwise surface only as failed handshakes.
     */
    static PrivateKey privateKey(Path file, X509Certificate certificate, Path certificateFile) {
        Block found = null;
        for (Block block : blocks(file)) {
            switch (block.type()) {
                case "PRIVATE KEY" -> found = block;
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new IllegalArgumentException(file
                        + " holds a " + block.type() + " in the old format; convert it to PKCS#8 with "
                        + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file
                        + " holds an encrypted key; decrypt it with openssl pkcs8 -in " + file + " -out key.pem");
                default -> { }
            }
        }
        if (found == null) {
            throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        }
        PublicKey publicKey = certificate.getPublicKey();
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(found.der()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " does not hold a " + publicKey.getAlgorithm()
                    + " private key as the certificate in " + certificateFile + " needs: " + e.getMessage(), e);
        }
        if (!pairs(key, publicKey)) {
            throw new IllegalArgumentException("the key in " + file + " does not belong to the certificate in "
                    + certificateFile);
        }
        return key;
    }

    /** Signs a few bytes with the key and checks them with the certificate's public key. */
    private static boolean pairs(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> publicKey.getAlgorithm(); // Ed25519, Ed448, EdDSA sign without a separate digest
        };
        byte[] probe = "loomchat key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            if (algorithm.equals("RSASSA-PSS")) {
                signer.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            signer.initVerify(publicKey);
            signer.update(probe);
            return signer.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2).strip())));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " has a " + matcher.group(1) + " block that is not Base64", e);
            }
        }
        return blocks;
    }
}
