package io.loomchat.cli;

import io.loomchat.client.ClientOptions;
import picocli.CommandLine.Option;

/** {@code --host} and {@code --port} of the commands that connect to a server (or to nginx). */
final class ServerAddress {

    @Option(names = "--host", defaultValue = "${env:LOOMCHAT_HOST:-" + ClientOptions.DEFAULT_HOST + "}",
            description = "Server or nginx address (env LOOMCHAT_HOST, default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:LOOMCHAT_PORT:-" + ClientOptions.DEFAULT_PORT + "}",
            description = "TCP port (env LOOMCHAT_PORT, default ${DEFAULT-VALUE}).")
    int port;
}
