package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.store.Contact;

/**
 * FIND_USERS (protocol 2.3): people by the start of their name, so that nobody needs to know a
 * numeric id to add a friend. Names are compared without case; the shortest come first (typing
 * "bo" finds "bob" before "bobby-tables"), at most {@link #MAX_USERS}. The lookup is one
 * statement of index ranges (see {@link io.loomchat.store.UserDao#withNamePrefix}).
 */
final class FindUsersHandler {

    static final int MAX_USERS = 20;
    /** PROTOCOL.md: a prefix is 1 to 50 characters, as long as a name may be. */
    static final int MAX_PREFIX_CHARS = 50;

    private FindUsersHandler() {
    }

    static void findUsers(Services services, UserSession session, Request request) {
        String prefix = request.requiredText("name", MAX_PREFIX_CHARS);
        ObjectNode ack = Frames.ack(request);
        ArrayNode users = ack.putArray("users");
        for (Contact user : services.db().users().withNamePrefix(prefix,
                services.config().limits().maxNameChars(), MAX_USERS)) {
            users.add(Frames.contact(user));
        }
        session.send(ack);
    }
}
