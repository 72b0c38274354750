package io.loomchat.server;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is taken care of. Helidon looks for a logging module of its own
 * (JUL, SLF4J or Log4j configured from its files) and, finding none, prints a line on stderr at
 * every start of the web port. LoomChat's logging is Logback, set up by the command line
 * ({@code --log-format}, {@code --log-level}) before any port opens, and Helidon's log lines
 * already reach it through the JDK's System.Logger (slf4j-jdk-platform-logging): there is
 * nothing for Helidon to configure. Registered in
 * META-INF/services/io.helidon.logging.common.spi.LoggingProvider.
 */
public final class HelidonLogging implements LoggingProvider {

    @Override
    public void initialization() {
        // configured by LoggingOptions already
    }

    @Override
    public void runTime() {
        // nothing changes at run time
    }
}
