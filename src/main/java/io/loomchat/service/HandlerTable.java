package io.loomchat.service;

import io.loomchat.protocol.MessageType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one msgid -> handler table, built once. The network layer never looks at message
 * types; adding a message type means one line here and one handler method.
 */
final class HandlerTable {

    /** Serves one request, on the sender's reader thread. */
    @FunctionalInterface
    interface Handler {
        void handle(Services services, UserSession session, Request request);
    }

    /**
     * A handler, whether it needs a logged-in session (errno 3 otherwise), and whether the
     * connection reads on from a fresh thread after it.
     *
     * <p>Why a fresh thread: a virtual thread keeps its frames, while parked, in stack chunks on
     * the heap, and the chunk sized by its deepest park stays with it. Login parks deep inside
     * JDBC and the password-hash pool, and every connection logs in: at 2,000 idle logged-in
     * connections the chunks fell from 4.1 to 3.1 KB per connection; with the JIT warm (19,900)
     * from 1.61 to 1.54 KB (loadtest/results/2026-11-27-idle-reader-stack.md). The hot path
     * (chat, PING) stays as it is: a thread per message would cost more than it saves.
     */
    record Route(Handler handler, boolean needsLogin, boolean freshReaderAfter) {
    }

    private static final Map<MessageType, Route> ROUTES;

    static {
        Map<MessageType, Route> routes = new EnumMap<>(MessageType.class);
        routes.put(MessageType.LOGIN, new Route(Login::handle, false, true));
        routes.put(MessageType.REGISTER, new Route(AccountHandlers::register, false, true));
        routes.put(MessageType.PING, new Route(AccountHandlers::ping, false, false));
        routes.put(MessageType.LOGOUT, new Route(AccountHandlers::logout, true, true));
        routes.put(MessageType.ONE_CHAT, new Route(ChatHandlers::oneChat, true, false));
        routes.put(MessageType.GROUP_CHAT, new Route(ChatHandlers::groupChat, true, false));
        routes.put(MessageType.RECEIPT, new Route(ChatHandlers::receipt, true, false));
        routes.put(MessageType.ADD_FRIEND, new Route(SocialHandlers::addFriend, true, true));
        routes.put(MessageType.CREATE_GROUP, new Route(SocialHandlers::createGroup, true, true));
        routes.put(MessageType.ADD_GROUP, new Route(SocialHandlers::joinGroup, true, true));
        routes.put(MessageType.HISTORY, new Route(HistoryHandler::history, true, false));
        routes.put(MessageType.CONVERSATIONS, new Route(ConversationsHandler::conversations, true, false));
        routes.put(MessageType.READ, new Route(ReadStateHandlers::read, true, false));
        routes.put(MessageType.TYPING, new Route(ReadStateHandlers::typing, true, false));
        routes.put(MessageType.FIND_USERS, new Route(FindUsersHandler::findUsers, true, false));
        // 2, 5, 11, 13, 14, 16, 17, 21 and 22 only go from server to client: a client sending them gets errno 4.
        ROUTES = Collections.unmodifiableMap(routes);
    }

    private HandlerTable() {
    }

    /** The route of a request type, or {@code null} for an unknown or server-only type. */
    static Route route(MessageType type) {
        return type == null ? null : ROUTES.get(type);
    }
}
