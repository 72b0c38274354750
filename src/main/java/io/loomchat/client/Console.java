package io.loomchat.client;

import java.util.List;

/**
 * Where the client meets its user: a terminal with a line editor ({@link TerminalConsole}) or
 * plain stdin/stdout for scripts ({@link ScriptConsole}). {@link #show} may be called from any
 * thread at any time, also while the user is typing; everything else runs on the user's thread.
 */
interface Console extends AutoCloseable {

    /** What a line is about, so that a terminal can colour it. Scripts see only the text. */
    enum Tone {
        /** A chat or group message. */
        MESSAGE,
        /** Someone came online or went offline. */
        PRESENCE,
        /** The answer to something the user asked for. */
        INFO,
        /** About the connection: lost, reconnecting, back. */
        NOTICE,
        /** Something did not work. */
        ERROR
    }

    /** One line of output; never contains a line break. */
    record Line(Tone tone, String text) {
        public Line {
            text = text.replace('\n', ' ').replace('\r', ' ');
        }

        static Line info(String text) {
            return new Line(Tone.INFO, text);
        }

        static Line notice(String text) {
            return new Line(Tone.NOTICE, text);
        }

        static Line error(String text) {
            return new Line(Tone.ERROR, text);
        }
    }

    /** The next command line, or {@code null} when the user is done (end of input, Ctrl-D). */
    String readLine();

    /** Asks for a password without echoing it; {@code null} when none can be read. */
    String readPassword(String prompt);

    /** Whether a person is typing; false for scripts, which must pass passwords another way. */
    boolean interactive();

    void show(Line line);

    default void show(List<Line> lines) {
        lines.forEach(this::show);
    }

    /** Who is logged in now ({@code null} for nobody), for the prompt. */
    void user(String name);

    @Override
    void close();
}
