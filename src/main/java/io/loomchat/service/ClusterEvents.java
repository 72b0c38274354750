package io.loomchat.service;

import io.loomchat.cluster.Cluster;
import io.loomchat.cluster.Delivery;
import io.loomchat.cluster.Inbox;
import io.loomchat.cluster.Mailbox;
import io.loomchat.protocol.MessageType;
import io.loomchat.store.Contact;
import io.loomchat.store.StoreException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this server does when the cluster calls: deliver what other servers handed over, and
 * keep presence right when a server dies or Redis forgets who is where. Runs on the cluster's
 * threads (the subscriber, in arrival order, and the housekeeper).
 */
final class ClusterEvents implements Cluster.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);

    private final Services services;

    ClusterEvents(Services services) {
        this.services = services;
    }

    @Override
    public void delivered(Delivery delivery, List<Mailbox> mailboxes) {
        MessageType type = MessageType.fromCode(delivery.msgid());
        switch (delivery.kind()) {
            case CHAT -> services.router().receive(new MessageRouter.Chat(delivery.mid(), type, delivery.frame()), mailboxes);
            case NOTICE -> services.router().receiveNotice(type, delivery.frame(), mailboxes);
            case STORED -> services.router().pushStored(mailboxes);
        }
    }

    @Override
    public Collection<Mailbox> localSessions() {
        return services.online().seats().stream().map(seat -> new Mailbox(seat.userId(), seat.mailbox())).toList();
    }

    @Override
    public void evicted(int mailbox, boolean reaped) {
        SessionLife.evict(services, mailbox, reaped);
    }

    @Override
    public void usersLost(List<Integer> userIds) {
        services.db().users().setOnline(userIds, false);
        announce(userIds, false);
    }

    @Override
    public void putBack(Map<Integer, List<Inbox.Copy>> copies) {
        PutBack.ofDeadServer(services, copies);
    }

    @Override
    public Collection<Integer> localReceiptsMailboxes() {
        return services.online().seats().stream().filter(seat -> seat.session().receipts()).map(Seat::mailbox).toList();
    }

    @Override
    public void missed(int mailbox, List<Inbox.Copy> copies) {
        Seat seat = services.online().byMailbox(mailbox);
        if (seat != null) {
            int handed = seat.session().handOverMissed(mailbox, copies);
            if (handed > 0) {
                LOG.info("user {}: {} messages published while Redis was away handed over from their kept copies",
                        seat.userId(), handed);
            }
        }
    }

    @Override
    public void storedMeanwhile() {
        int pushed = 0;
        try {
            List<Seat> seats = services.online().seats();
            List<Integer> waiting = services.db().offlineMessages().usersWithMessages(seats.stream().map(Seat::mailbox).toList());
            services.router().pushStored(seats.stream().filter(seat -> waiting.contains(seat.mailbox()))
                    .map(seat -> new Mailbox(seat.userId(), seat.mailbox())).toList());
            pushed = waiting.size();
        } catch (StoreException e) {
            LOG.warn("messages stored while Redis was away could not be pushed; they come with the next login: {}",
                    e.getMessage());
        }
        if (pushed > 0) {
            LOG.info("{} users here had messages stored while Redis was away; pushed to them now", pushed);
        }
    }

    @Override
    public void usersRegained(List<Integer> userIds) {
        List<Integer> marked = services.db().users().offlineAmong(userIds);
        if (!marked.isEmpty()) {
            services.db().users().setOnline(marked, true);
            announce(marked, true);
        }
    }

    @Override
    public void groupChanged(int groupId) {
        services.groupMembers().forget(groupId);
    }

    @Override
    public void devicesChanged(int userId) {
        services.knownDevices().forget(userId);
    }

    @Override
    public void forgetCaches() {
        services.groupMembers().forgetAll();
        services.knownDevices().forgetAll();
    }

    private void announce(List<Integer> userIds, boolean online) {
        Map<Integer, Contact> users = services.db().users().contacts(userIds);
        Map<Integer, List<Integer>> friends = services.db().friends().friendIdsOf(userIds);
        for (int userId : userIds) {
            Contact user = users.get(userId);
            List<Integer> friendIds = friends.get(userId);
            if (user != null && friendIds != null) {
                services.router().announce(userId, user.name(), online, friendIds);
            }
        }
    }
}
