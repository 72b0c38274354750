/**
 * How one simulated client reaches a server: a connection over TCP or WebSocket, in either
 * framing dialect, inside TLS with --tls, whose frames are parsed without a JSON tree so that the
 * generator's own cost stays out of the server's figures. It knows nothing of users or counts.
 */
package io.loomchat.loadtest.wire;
