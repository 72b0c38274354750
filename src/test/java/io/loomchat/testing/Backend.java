package io.loomchat.testing;

/** The databases every end-to-end test runs against. */
public enum Backend {
    /** The embedded default, a fresh file database in a temporary directory. */
    H2,
    /** The MariaDB/MySQL the environment names, with a database created for the test and dropped after. */
    MYSQL
}
