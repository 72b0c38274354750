package io.loomchat.store;

import java.sql.SQLException;

/** A row with the same unique key exists already: a taken name, an existing friendship. */
public final class DuplicateKeyException extends StoreException {

    /** MySQL/MariaDB ER_DUP_ENTRY. */
    private static final int MYSQL_DUPLICATE_ENTRY = 1062;
    /** H2 DUPLICATE_KEY_1. */
    private static final int H2_DUPLICATE_KEY = 23505;

    DuplicateKeyException(String message, SQLException cause) {
        super(message, cause);
    }

    static boolean isDuplicateKey(SQLException e) {
        return e.getErrorCode() == MYSQL_DUPLICATE_ENTRY || e.getErrorCode() == H2_DUPLICATE_KEY;
    }
}
