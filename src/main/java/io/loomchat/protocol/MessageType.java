package io.loomchat.protocol;

/**
 * The {@code msgid} values of PROTOCOL.md. Codes 1-10 are the classic C++ server's and must
 * never change; 11 and up are LoomChat's own.
 */
public enum MessageType {
    LOGIN(1),
    LOGIN_ACK(2),
    LOGOUT(3),
    REGISTER(4),
    REGISTER_ACK(5),
    ONE_CHAT(6),
    ADD_FRIEND(7),
    CREATE_GROUP(8),
    ADD_GROUP(9),
    GROUP_CHAT(10),
    ACK(11),
    PING(12),
    PONG(13),
    PRESENCE(14),
    /** 2.2: the client confirms the chat frames it received (delivery receipts). */
    RECEIPT(15),
    /** 2.2: someone added the user as a friend. */
    FRIEND_ADDED(16),
    /** 2.2: someone joined one of the user's groups. */
    GROUP_JOINED(17),
    /** 2.3: a page of a conversation's history. */
    HISTORY(18),
    /** 2.3: the user's conversations, the most recently active first, with unread counts. */
    CONVERSATIONS(19),
    /** 2.3: the user has read a conversation up to a message. */
    READ(20),
    /** 2.3: a read mark moved (to the reader's other sessions, and in one-to-one to the other user's). */
    READ_NOTICE(21),
    /** 2.3: a device of the recipient confirmed one-to-one messages. */
    DELIVERED(22),
    /** 2.3: the user is typing, both ways. */
    TYPING(23),
    /** 2.3: users whose names start with a prefix. */
    FIND_USERS(24);

    /** Room for every code of PROTOCOL.md, up to 24. */
    private static final MessageType[] BY_CODE = new MessageType[25];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or {@code null} when there is none. */
    public static MessageType fromCode(long code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[(int) code] : null;
    }
}
