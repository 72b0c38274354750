package io.loomchat.store;

import java.sql.SQLException;

/**
 * The database could not carry out a request: down, timed out, or out of connections. Callers
 * answer "temporarily unavailable"; nothing was changed by the failed statement.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
