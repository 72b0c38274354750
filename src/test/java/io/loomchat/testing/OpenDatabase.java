package io.loomchat.testing;

import io.loomchat.store.Database;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh test database on one backend, opened as the server opens it, for every test of a class
 * that talks to the DAOs directly (no server): {@code @RegisterExtension final OpenDatabase db =
 * new OpenDatabase(Backend.H2);}, then {@code db.database()}. Dropped after each test.
 */
public final class OpenDatabase implements BeforeEachCallback, AfterEachCallback {

    private final Backend backend;
    private TestDatabase testDatabase;
    private Database database;

    public OpenDatabase(Backend backend) {
        this.backend = backend;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testDatabase = TestDatabase.create(backend);
        database = Database.open(testDatabase.config());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            database.close();
        } finally {
            testDatabase.close();
        }
    }

    /** The opened database: its DAOs. */
    public Database database() {
        return database;
    }

    /** The test database under it: its config, and queries past the DAOs. */
    public TestDatabase testDatabase() {
        return testDatabase;
    }
}
