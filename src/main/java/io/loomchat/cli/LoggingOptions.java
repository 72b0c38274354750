package io.loomchat.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** How the server logs: text or JSON lines, and a level per logger (package). */
final class LoggingOptions {

    enum Format { TEXT, JSON }

    @Option(names = "--log-format", defaultValue = "${env:LOOMCHAT_LOG_FORMAT:-TEXT}",
            description = "text or json: one JSON object per line for log collectors (env LOOMCHAT_LOG_FORMAT, "
                    + "default text).", converter = FormatConverter.class)
    Format format;

    @Option(names = "--log-level", split = ",", paramLabel = "LOGGER=LEVEL",
            defaultValue = "${env:LOOMCHAT_LOG_LEVEL}",
            description = "A logger's level, e.g. io.loomchat.server=DEBUG or root=WARN; repeatable or comma-separated "
                    + "(env LOOMCHAT_LOG_LEVEL).")
    List<String> levels = new ArrayList<>();

    /** Applies the options; throws IllegalArgumentException naming a bad --log-level. */
    void apply() {
        List<String[]> parsed = new ArrayList<>();
        for (String entry : levels == null ? List.<String>of() : levels) {
            String[] parts = entry.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()
                    || Level.toLevel(parts[1].strip(), null) == null) {
                throw new IllegalArgumentException("--log-level takes LOGGER=LEVEL (TRACE, DEBUG, INFO, WARN, ERROR, OFF), not '"
                        + entry + "'");
            }
            parsed.add(new String[] {parts[0].strip(), parts[1].strip()});
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend on the class path (tests may bring one): leave it alone
        }
        if (format == Format.JSON) {
            reconfigure(context, LoggingOptions.class.getResource("/logback-json.xml"));
        }
        for (String[] level : parsed) {
            String name = level[0].equalsIgnoreCase("root") ? org.slf4j.Logger.ROOT_LOGGER_NAME : level[0];
            context.getLogger(name).setLevel(Level.toLevel(level[1]));
        }
    }

    private static void reconfigure(LoggerContext context, URL configuration) {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(configuration);
        } catch (JoranException e) {
            throw new IllegalStateException("the bundled " + configuration + " is broken", e);
        }
    }

    /** Case-insensitive {@link Format}. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("--log-format is text or json, not '" + value + "'");
            }
        }
    }
}
