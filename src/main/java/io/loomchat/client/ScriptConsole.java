package io.loomchat.client;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The console of scripts and tests: one command per stdin line, one event per stdout line, no
 * prompt, no colour. Always UTF-8, whatever the locale, so that scripts on any machine read the
 * same bytes.
 */
final class ScriptConsole implements Console {

    private final BufferedReader in;
    private final PrintStream out;
    /** Keeps lines whole: the connection thread and the user's thread both print. */
    private final ReentrantLock printLock = new ReentrantLock();

    ScriptConsole(InputStream in, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    /** stdin and stdout of the process. */
    static ScriptConsole system() {
        return new ScriptConsole(System.in,
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
    }

    @Override
    public String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read commands from stdin", e);
        }
    }

    /** A script cannot be asked: it passes passwords in LOOMCHAT_PASSWORD or after the id. */
    @Override
    public String readPassword(String prompt) {
        return null;
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public void show(Line line) {
        printLock.lock();
        try {
            out.println(line.text());
        } finally {
            printLock.unlock();
        }
    }

    @Override
    public void user(String name) {
        // No prompt to update.
    }

    @Override
    public void close() {
        out.flush();
    }
}
