-- The conversation history of a single server on embedded H2, in a file of its own
-- (StoreConfig.historyUrl): History and UserConversation, whose rows the history writer adds in
-- the same transaction. Same columns and meaning as in schema.sql (MySQL/MariaDB); History is
-- laid out for H2 instead of InnoDB:
--  - InnoDB clusters rows by the primary key, so (conv, mid) there makes a page of one
--    conversation one range scan of the rows themselves.
--  - H2 keeps the rows in a map keyed by a single BIGINT primary key and every other key in a map
--    of its own; a composite primary key is one more map, and a unique one, which H2 checks with
--    an extra index search per insert. Profiled under 100 pairs (loadtest/results/
--    2026-12-06-devices-history.md), comparing composite keys in those maps took most of the
--    history writers' time. Keyed by mid (unique: one row per message, a message has one mid),
--    an insert touches the row map (cheap long keys) and one non-unique (conv, mid) index, which
--    still makes a page one backward range scan; retention deletes by the row key.
CREATE TABLE IF NOT EXISTS History (
    mid     BIGINT     NOT NULL,
    conv    BIGINT     NOT NULL,
    message MEDIUMTEXT NOT NULL,
    sender  INT        NOT NULL DEFAULT 0,
    PRIMARY KEY (mid)
);

CREATE INDEX IF NOT EXISTS idx_history_conv_mid ON History (conv, mid);

CREATE TABLE IF NOT EXISTS UserConversation (
    userid   INT    NOT NULL,
    conv     BIGINT NOT NULL,
    read_mid BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (userid, conv)
);
