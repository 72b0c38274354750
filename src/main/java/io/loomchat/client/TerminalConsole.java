package io.loomchat.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.AttributedStringBuilder;

/**
 * The console of a person at a terminal, on JLine: incoming lines are printed above the line
 * being typed (which is then drawn again, cursor and all), with history across sessions and
 * completion of commands and of friend and group ids.
 */
final class TerminalConsole implements Console {

    private static final String HISTORY_FILE = ".loomchat_history";

    private final Terminal terminal;
    private final LineReader reader;
    /** Written by the connection thread on login and logout, read when a line is read. */
    private volatile String prompt = prompt(null);

    private TerminalConsole(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    static TerminalConsole open(Roster roster) {
        try {
            Terminal terminal = TerminalBuilder.builder().name("loomchat").system(true).build();
            // Chat text is taken as typed: no quotes, no backslash escapes, no !history expansion.
            DefaultParser parser = new DefaultParser().quoteChars(new char[0]).escapeChars(null);
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("loomchat")
                    .parser(parser)
                    .completer(new CommandCompleter(roster))
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), HISTORY_FILE))
                    .variable(LineReader.HISTORY_SIZE, 1_000)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.HISTORY_IGNORE_SPACE, true)
                    .option(LineReader.Option.AUTO_FRESH_LINE, true)
                    .build();
            return new TerminalConsole(terminal, reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
    }

    @Override
    public String readLine() {
        while (true) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException e) {
                // Ctrl-C drops the line being typed, as in a shell; leaving is Ctrl-D or quit.
                if (e.getPartialLine().isEmpty()) {
                    show(Line.info("Type quit or press Ctrl-D to leave."));
                }
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    @Override
    public String readPassword(String prompt) {
        try {
            return reader.readLine(prompt, LineReaderImpl.NULL_MASK);
        } catch (UserInterruptException | EndOfFileException e) {
            // Ctrl-C or Ctrl-D at the password prompt: the user changed their mind.
            return null;
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void show(Line line) {
        AttributedStringBuilder text = new AttributedStringBuilder();
        text.style(style(line.tone())).append(line.text());
        reader.printAbove(text.toAttributedString());
    }

    private static AttributedStyle style(Tone tone) {
        return switch (tone) {
            case MESSAGE -> AttributedStyle.DEFAULT.bold();
            case PRESENCE -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
            case INFO -> AttributedStyle.DEFAULT;
            case NOTICE -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            case ERROR -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED);
        };
    }

    /** Changes the prompt, and redraws it at once when the user is typing. */
    @Override
    public void user(String name) {
        prompt = prompt(name);
        if (reader instanceof LineReaderImpl impl && reader.isReading()) {
            impl.setPrompt(prompt);
            try {
                impl.callWidget(LineReader.REDRAW_LINE);
                impl.callWidget(LineReader.REDISPLAY);
            } catch (IllegalStateException e) {
                // readLine returned between the two checks: the next one shows the new prompt.
                prompt = prompt(name);
            }
        }
    }

    private static String prompt(String name) {
        return (name == null ? "loomchat" : name) + "> ";
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
            terminal.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the history or restore the terminal", e);
        }
    }
}
