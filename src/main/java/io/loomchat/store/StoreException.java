package io.loomchat.store;

import java.sql.SQLException;

/**
 * The database could not carry out a request: down, timed out, or out of connections. Callers
 * answer "temporarily unavailable"; nothing was changed by the failed statement.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, SQLException cause) {
        super(message + ": " + firstLine(cause.getMessage()), cause);
    }

    /** A failure of the embedded history store (its file), which speaks no SQL. */
    public StoreException(String message, RuntimeException cause) {
        super(message + ": " + firstLine(cause.getMessage()), cause);
    }

    /** Driver messages run over several lines; a log line or an errmsg wants the first. */
    private static String firstLine(String text) {
        if (text == null) {
            return "no reason given";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end).strip();
    }
}
