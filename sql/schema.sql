-- LoomChat schema for MySQL 8 / MariaDB 10.11 (and H2 in MySQL mode, the embedded default).
-- The table and column names of the classic C++ chat server are kept so that its tooling and
-- its users' habits still apply; what a real server needs comes on top. The server runs this
-- file at start-up, so every statement must be safe to run again.

-- password holds a salted PBKDF2 hash, "pbkdf2-sha256$<iterations>$<salt>$<hash>", never the password.
-- name_len and name_lower (protocol 2.3, FIND_USERS) serve "names starting with a prefix, without
-- case, shortest first" from one index: per length, one range of (name_len, name_lower) by the
-- lower-cased prefix. The lower-cased copy is there because H2 compares case-sensitively, unlike
-- MariaDB's default collation. A table created before 2.3 gets both, filled, at start-up
-- (store/SchemaUpgrade.java).
CREATE TABLE IF NOT EXISTS User (
    id         INT          NOT NULL AUTO_INCREMENT,
    name       VARCHAR(50)  NOT NULL,
    password   VARCHAR(255) NOT NULL,
    state      VARCHAR(8)   NOT NULL DEFAULT 'offline',
    name_len   INT          NOT NULL DEFAULT 0,
    name_lower VARCHAR(50)  NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    UNIQUE KEY uk_user_name (name),
    KEY idx_user_find (name_len, name_lower)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Friendship is mutual: adding a friend writes both rows.
CREATE TABLE IF NOT EXISTS Friend (
    userid   INT NOT NULL,
    friendid INT NOT NULL,
    PRIMARY KEY (userid, friendid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE IF NOT EXISTS AllGroup (
    id        INT          NOT NULL AUTO_INCREMENT,
    groupname VARCHAR(50)  NOT NULL,
    groupdesc VARCHAR(200) NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    UNIQUE KEY uk_group_name (groupname)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- grouprole is 'creator' or 'normal'. The key by user serves "the groups of a user" at login.
-- joined_mid (protocol 2.3) is a message id taken when the row was written: the user's group
-- history starts after it. Members who joined before 2.3 have 0 and see all of it. A table
-- created before 2.3 lacks the column; the server adds it at start-up (store/SchemaUpgrade.java),
-- since MySQL 8 has no ADD COLUMN IF NOT EXISTS for this file to use.
CREATE TABLE IF NOT EXISTS GroupUser (
    groupid    INT        NOT NULL,
    userid     INT        NOT NULL,
    grouprole  VARCHAR(8) NOT NULL DEFAULT 'normal',
    joined_mid BIGINT     NOT NULL DEFAULT 0,
    PRIMARY KEY (groupid, userid),
    KEY idx_groupuser_user (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per message waiting for a user. mid is the message's cluster-wide id, which grows with
-- time: it orders them (oldest first), also when unconfirmed messages (protocol 2.2) are put back
-- after newer ones were stored. A message is stored at most once per recipient (uk_offline_user_mid):
-- the copies kept for a receipts session may be put back more than once (by the server holding the
-- session and by the one cleaning up after it), and must come back once. id lets a login delete
-- exactly the rows it delivered; message is the JSON frame the recipient gets.
-- A table created before 2.2 lacks the unique key; add it with
--   ALTER TABLE OfflineMessage ADD UNIQUE KEY uk_offline_user_mid (userid, mid);
CREATE TABLE IF NOT EXISTS OfflineMessage (
    id         BIGINT     NOT NULL AUTO_INCREMENT,
    userid     INT        NOT NULL,
    mid        BIGINT     NOT NULL,
    message    MEDIUMTEXT NOT NULL,
    created_at TIMESTAMP  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    -- A mark, not a message (protocol 2.2, "a confirmed message is never delivered again"): the
    -- mailbox confirmed this mid while Redis was in trouble, when a sender whose forward was in
    -- doubt may still store a copy of it. The unique key turns that late copy away; reads skip
    -- marks; they are purged an hour after created_at (ConfirmedMarks).
    confirmed  BOOLEAN    NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id),
    UNIQUE KEY uk_offline_user_mid (userid, mid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Resume tokens (protocol 2.1): a reconnecting client logs in with a token instead of its
-- password. Only the SHA-256 of a token is stored: a copy of this table logs nobody in. Tokens
-- are 256 random bits, so a fast hash is enough (a slow one guards guessable secrets).
CREATE TABLE IF NOT EXISTS SessionToken (
    token_hash CHAR(64) NOT NULL,
    userid     INT      NOT NULL,
    expires_at BIGINT   NOT NULL,
    PRIMARY KEY (token_hash),
    KEY idx_token_user (userid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Protocol 2.3: the devices of a user, for which messages are kept until each confirms them. name is
-- the id the client chose (1-64 of A-Z a-z 0-9 . _ -, case-sensitive, hence binary); '' is the session
-- without one (2.2 and older clients, the legacy dialect), which counts as one more device of its
-- user. A device's mailbox, where its messages wait (OfflineMessage.userid and the Redis inbox), is
-- -id; the device without an id uses the user's own id, so an old client's offline messages are
-- where they always were. A device not seen for the expiry (30 days) is forgotten with its messages.
CREATE TABLE IF NOT EXISTS Device (
    id         INT           NOT NULL AUTO_INCREMENT,
    userid     INT           NOT NULL,
    name       VARBINARY(64) NOT NULL,
    last_login BIGINT        NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_device_user_name (userid, name),
    KEY idx_device_last_login (last_login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Conversation history (protocol 2.3): every chat message acknowledged with errno 0, once, as
-- the delivered frame's JSON (as OfflineMessage keeps it). conv names the conversation:
--   one-to-one: the two user ids, lower first, as (low << 32) | high  (always > 0)
--   group:      -groupid                                              (always < 0)
-- so "a page of one conversation before mid X" is one backward range scan of the primary key
-- (conv = ? AND mid < ? ORDER BY mid DESC LIMIT n). mid grows with time, so the key by mid lets
-- retention delete the oldest rows in small batches without scanning conversations.
-- sender (protocol 2.3, unread counts) is the message's author: "unread" counts the messages of
-- others after a read mark, one bounded range of the primary key with sender filtered on the way.
-- Rows written before 2.3 have 0 (counted as from others); the column is added at start-up to a
-- table created before it (store/SchemaUpgrade.java).
CREATE TABLE IF NOT EXISTS History (
    conv    BIGINT     NOT NULL,
    mid     BIGINT     NOT NULL,
    message MEDIUMTEXT NOT NULL,
    sender  INT        NOT NULL DEFAULT 0,
    PRIMARY KEY (conv, mid),
    KEY idx_history_mid (mid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Protocol 2.3, conversations and read state: one row per user and conversation they take part in.
-- A one-to-one conversation gets its two rows when its first message is written to History, in
-- the same transaction (the history writer's batch); a group conversation gets a row for a member
-- when the member first sends READ for it (the groups of a user are GroupUser's). read_mid is the
-- user's read mark: the newest mid they have read, 0 for none. It only ever grows (one conditional
-- UPDATE: ... SET read_mid = ? WHERE ... AND read_mid < ?), so a late or repeated READ cannot move
-- it back. Nothing here is deleted: a conversation whose history expired has no newest message and
-- is not listed. With the embedded H2 this table is in the history file, beside History.
CREATE TABLE IF NOT EXISTS UserConversation (
    userid   INT    NOT NULL,
    conv     BIGINT NOT NULL,
    read_mid BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (userid, conv)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
