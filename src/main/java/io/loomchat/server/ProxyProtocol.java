package io.loomchat.server;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the PROXY protocol header (HAProxy's specification, versions 1 and 2) that a load
 * balancer such as nginx ({@code proxy_protocol on}) sends before the client's first byte, so
 * that the server sees the client's own address instead of the balancer's.
 *
 * <p>It reads exactly the header and not one byte more (version 1 byte by byte, version 2 by its
 * length field), so the frames behind it are left for the frame reader. This costs a few dozen
 * reads once per connection and no buffer that would stay with an idle connection.
 */
final class ProxyProtocol {

    /** Version 1's longest header, CRLF included. */
    static final int V1_MAX_BYTES = 107;
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** Addresses and TLVs of version 2: far more than any real balancer sends. */
    private static final int V2_MAX_PAYLOAD = 4_096;

    /** The header does not follow the specification: the connection is refused. */
    static final class BadHeaderException extends IOException {
        BadHeaderException(String message) {
            super(message);
        }
    }

    private ProxyProtocol() {
    }

    /**
     * Reads the header. Returns the client's address, or {@code null} when the balancer speaks
     * for itself (v1 {@code UNKNOWN}, v2 {@code LOCAL}: a health check), in which case the
     * connection's own peer address is the one to use.
     */
    static InetSocketAddress read(InputStream in) throws IOException {
        int first = readByte(in);
        if (first == 'P') {
            return readV1(in);
        }
        if (first == V2_SIGNATURE[0]) {
            return readV2(in);
        }
        throw new BadHeaderException("no PROXY protocol header (the server runs with --proxy-protocol)");
    }

    private static InetSocketAddress readV1(InputStream in) throws IOException {
        byte[] line = new byte[V1_MAX_BYTES];
        line[0] = 'P';
        int length = 1;
        while (true) {
            if (length == V1_MAX_BYTES) {
                throw new BadHeaderException("PROXY v1 header longer than " + V1_MAX_BYTES + " bytes");
            }
            line[length++] = (byte) readByte(in);
            if (length >= 2 && line[length - 2] == '\r' && line[length - 1] == '\n') {
                break;
            }
        }
        String[] fields = new String(line, 0, length - 2, StandardCharsets.US_ASCII).split(" ");
        if (!fields[0].equals("PROXY") || fields.length < 2) {
            throw new BadHeaderException("not a PROXY v1 header");
        }
        if (fields[1].equals("UNKNOWN")) {
            return null;
        }
        if (fields.length != 6 || !(fields[1].equals("TCP4") || fields[1].equals("TCP6"))) {
            throw new BadHeaderException("PROXY v1 header with " + fields.length + " fields, protocol " + fields[1]);
        }
        return new InetSocketAddress(literalAddress(fields[2]), port(fields[4]));
    }

    private static InetSocketAddress readV2(InputStream in) throws IOException {
        byte[] header = new byte[16];
        header[0] = V2_SIGNATURE[0];
        readFully(in, header, 1, 15);
        if (!Arrays.equals(header, 0, 12, V2_SIGNATURE, 0, 12)) {
            throw new BadHeaderException("bad PROXY v2 signature");
        }
        int version = (header[12] & 0xF0) >> 4;
        int command = header[12] & 0x0F;
        int family = header[13] & 0xFF;
        int payload = ((header[14] & 0xFF) << 8) | (header[15] & 0xFF);
        if (version != 2 || command > 1 || payload > V2_MAX_PAYLOAD) {
            throw new BadHeaderException("PROXY v2 header of version " + version + ", command " + command
                    + ", " + payload + " bytes");
        }
        byte[] body = new byte[payload];
        readFully(in, body, 0, payload);
        if (command == 0) {
            return null; // LOCAL: the balancer's own connection
        }
        return switch (family) {
            case 0x11 -> address(body, 4, payload); // TCP over IPv4
            case 0x21 -> address(body, 16, payload); // TCP over IPv6
            case 0x00 -> null; // UNSPEC
            default -> throw new BadHeaderException("PROXY v2 address family " + family + " is not TCP");
        };
    }

    private static InetSocketAddress address(byte[] body, int addressBytes, int payload) throws IOException {
        if (payload < 2 * addressBytes + 4) {
            throw new BadHeaderException("PROXY v2 address block of " + payload + " bytes");
        }
        InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(body, 0, addressBytes));
        int port = ((body[2 * addressBytes] & 0xFF) << 8) | (body[2 * addressBytes + 1] & 0xFF);
        return new InetSocketAddress(source, port);
    }

    /** Only numeric addresses: a name here would make the server resolve it, per connection. */
    private static InetAddress literalAddress(String text) throws IOException {
        if (!text.matches("[0-9.]+|[0-9a-fA-F:.]+") || !text.matches(".*[.:].*")) {
            throw new BadHeaderException("PROXY v1 source address '" + text + "' is not numeric");
        }
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new BadHeaderException("PROXY v1 source address '" + text + "' is not an address");
        }
    }

    private static int port(String text) throws IOException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadHeaderException("PROXY v1 source port '" + text + "'");
    }

    private static int readByte(InputStream in) throws IOException {
        byte[] one = new byte[1];
        readFully(in, one, 0, 1);
        return one[0] & 0xFF;
    }

    private static void readFully(InputStream in, byte[] buffer, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int read = in.read(buffer, offset + done, length - done);
            if (read < 0) {
                throw new EOFException("the connection closed inside the PROXY header");
            }
            done += read;
        }
    }
}
