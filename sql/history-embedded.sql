-- The history file of a single server on embedded H2 (StoreConfig.historyUrl): UserConversation,
-- the conversations CONVERSATIONS lists and the read marks, with the same columns and meaning as
-- in schema.sql (MySQL/MariaDB). The messages themselves are not a table here: they are in the
-- history store beside it (StoredHistoryRows, <base>-messages.mvstore), one sorted map keyed by
-- (conversation, mid), which makes a page of 50 one backward range of it, as History's primary
-- key does on InnoDB. A History table left by an older version is moved into that store at start.
CREATE TABLE IF NOT EXISTS UserConversation (
    userid   INT    NOT NULL,
    conv     BIGINT NOT NULL,
    read_mid BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (userid, conv)
);
