package io.loomchat.protocol;

/** The errno table of PROTOCOL.md, with the text a reply carries when nothing more precise is known. */
public enum Errno {
    OK(0, "ok"),
    /** Classic text, kept for the C++ client: it prints errmsg as is. */
    INVALID_CREDENTIALS(1, "id or password is invalid!"),
    /** Classic text, kept for the C++ client. */
    ALREADY_ONLINE(2, "this account is using, input another!"),
    NOT_LOGGED_IN(3, "not logged in"),
    BAD_REQUEST(4, "bad request"),
    NOT_FOUND(5, "not found"),
    FORBIDDEN(6, "forbidden"),
    CONFLICT(7, "conflict"),
    RATE_LIMITED(8, "rate limited"),
    FRAME_TOO_LARGE(9, "frame too large"),
    UNAVAILABLE(10, "temporarily unavailable, the request was not carried out");

    private final int code;
    private final String text;

    Errno(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public String text() {
        return text;
    }
}
