package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Errno;
import io.loomchat.protocol.MessageType;
import io.loomchat.store.StoreException;
import io.loomchat.store.Conversation;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONE_CHAT and GROUP_CHAT: the sender is the session's user, whatever the frame says. RECEIPT
 * (protocol 2.2): the recipient confirms what it got.
 */
final class ChatHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(ChatHandlers.class);

    /** Mids one RECEIPT may carry (PROTOCOL.md). */
    static final int MAX_RECEIPT_MIDS = 1_000;

    private ChatHandlers() {
    }

    static void oneChat(Services services, UserSession session, Request request) {
        int toId = request.requiredInt("toid", "to");
        String text = request.requiredText("msg", services.config().maxMessageChars());
        long mid = services.messageIds().next();
        int senderId = session.userId();
        MessageRouter.Chat chat = MessageRouter.Chat.oneToOne(mid,
                Frames.oneChat(mid, senderId, session.userName(), toId, text, System.currentTimeMillis()));
        // 2.3: in the history before anyone gets it, so that errno 10 here means "not delivered".
        long conversation = Conversation.between(senderId, toId);
        services.history().record(conversation, senderId, chat);
        // Live first: a recipient that some server holds exists, so the online path asks no database.
        MessageRouter.Reach reach = services.router().deliver(chat, toId, 0);
        if (!reach.live() && !services.db().users().exists(toId)) {
            services.history().forget(conversation, mid);
            throw new ServiceException(Errno.NOT_FOUND, "no user with id " + toId);
        }
        services.router().store(chat, reach.unreached());
        carbons(services, session, chat);
        if (session.carries(MessageType.ACK)) {
            session.send(MessageType.ACK, Frames.oneChatAck(request, mid, reach.live()));
        }
    }

    static void groupChat(Services services, UserSession session, Request request) {
        int groupId = request.requiredInt("groupid");
        String text = request.requiredText("msg", services.config().maxMessageChars());
        int senderId = session.userId();
        List<Integer> members = services.groupMembers().of(groupId);
        if (!members.contains(senderId)) {
            if (members.isEmpty() && !services.db().groups().exists(groupId)) {
                throw new ServiceException(Errno.NOT_FOUND, "no group with id " + groupId);
            }
            throw new ServiceException(Errno.FORBIDDEN, "you are not a member of group " + groupId);
        }
        long mid = services.messageIds().next();
        MessageRouter.Chat chat = MessageRouter.Chat.group(mid,
                Frames.groupChat(mid, senderId, session.userName(), groupId, text, System.currentTimeMillis()));
        services.history().record(Conversation.ofGroup(groupId), senderId, chat); // 2.3: before anyone gets it
        MessageRouter.Fanout fanout = services.router().sendToAll(chat,
                members.stream().filter(id -> id != senderId).toList());
        carbons(services, session, chat);
        ObjectNode ack = Frames.ack(request);
        ack.put("mid", mid);
        ack.put("online", fanout.online());
        ack.put("offline", fanout.offline());
        session.send(ack);
    }

    /**
     * Protocol 2.3: what a user sends from one device reaches their other devices too, live or
     * kept for them, as the same frame the recipient gets. For a user with no other device (every
     * 2.2 client) this finds nothing to do without leaving this server.
     */
    private static void carbons(Services services, UserSession session, MessageRouter.Chat chat) {
        MessageRouter.Reach reach = services.router().deliver(chat, session.userId(), session.mailbox());
        try {
            services.router().store(chat, reach.unreached());
        } catch (StoreException e) {
            // The message reached its recipient: refusing it now would have the sender send it
            // twice. The absent devices find it in the history.
            LOG.warn("message {} of user {} could not be kept for their absent devices: {}", chat.mid(),
                    session.userId(), e.getMessage());
        }
    }

    /**
     * RECEIPT: the messages are confirmed, so they are never delivered again. Offline rows are
     * deleted and kept copies erased before the session forgets them. A valid RECEIPT gets no
     * reply: it is sent about once a second by every receipts client, and a reply would only be
     * read and thrown away. When the erasure cannot be made safe (Redis away, or no replica
     * acknowledged it: a failover could undo it), the session keeps those mids to erase with
     * the next receipt and the client gets errno 10: until then the messages may come again.
     */
    static void receipt(Services services, UserSession session, Request request) {
        long[] mids = request.requiredLongs("mids", MAX_RECEIPT_MIDS);
        if (services.cluster().leaseInDoubt()) {
            // The cluster may have put these messages back for a login elsewhere: confirmed here,
            // they would come again there. The client sends the receipt again (errno 10).
            throw new ServiceException(Errno.UNAVAILABLE,
                    "this server is making sure it still belongs to the cluster; send the receipt again");
        }
        Unconfirmed.Confirmed confirmed = session.confirmed(mids);
        int mailbox = session.mailbox();
        boolean marked = false;
        if (!confirmed.isEmpty()) {
            DeliveredNotices.afterReceipt(services, session, confirmed);
            if (!confirmed.rowIds().isEmpty()) {
                services.db().offlineMessages().delete(mailbox, confirmed.rowIds());
                services.metrics().offlineDelivered(confirmed.rowIds().size());
            }
            if (services.cluster().confirmationsInDoubt()) {
                // Redis was in trouble lately: a sender that lost the reply of a forward which ran
                // may store a copy of a message this session got live, now or in a moment. Marked
                // confirmed in the database, the message cannot come back from the store, even
                // if this server dies before the copy arrives.
                services.db().offlineMessages().markConfirmed(mailbox, confirmed.mids());
                marked = true;
            } else if (session.storedMeanwhile()) {
                // A message got live may also be stored for this mailbox (its sender stored it when
                // Redis lost the reply of a forward that ran, or a server taken for dead put its copy
                // back): that row goes now, not when the session ends, which a kill -9 of this server
                // would skip, and the next login would bring a confirmed message back.
                services.db().offlineMessages().deleteMids(mailbox, confirmed.mids());
            }
        }
        // Taken only now: were the database away above, they stay for the next receipt.
        List<Long> notErased = session.takeNotErased(); // those an earlier receipt could not erase
        if (confirmed.isEmpty() && notErased.isEmpty()) {
            return; // unknown or already confirmed, or not a receipts session: nothing to do
        }
        List<Long> toErase = new ArrayList<>(confirmed.mids());
        toErase.addAll(notErased);
        boolean erased = services.cluster().inbox().confirmed(mailbox, toErase);
        session.forgetConfirmed(erased ? confirmed.mids() : toErase, erased);
        if (!erased && !marked && !confirmed.isEmpty()) {
            // The trouble began during this receipt: a sender may be storing these right now.
            services.db().offlineMessages().markConfirmed(mailbox, confirmed.mids());
        }
        if (!erased) {
            // The same receipt again (or any later one) erases them: the session kept them.
            throw new ServiceException(Errno.UNAVAILABLE,
                    "the confirmation could not be made safe yet (Redis is away or has no replica in step); send the receipt again");
        }
    }
}
