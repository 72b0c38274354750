package io.loomchat.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Errno;
import io.loomchat.store.Contact;
import io.loomchat.store.DuplicateKeyException;
import io.loomchat.store.Group;
import io.loomchat.store.User;
import java.util.List;

/** ADD_FRIEND, CREATE_GROUP and ADD_GROUP. */
final class SocialHandlers {

    static final int MAX_GROUP_NAME_CHARS = 50;
    static final int MAX_GROUP_DESC_CHARS = 200;

    private SocialHandlers() {
    }

    static void addFriend(Services services, UserSession session, Request request) {
        int friendId = request.requiredInt("friendid");
        int userId = session.userId();
        if (friendId == userId) {
            throw new ServiceException(Errno.BAD_REQUEST, "you cannot add yourself as a friend");
        }
        User friend = services.db().users().find(friendId);
        if (friend == null) {
            throw new ServiceException(Errno.NOT_FOUND, "no user with id " + friendId);
        }
        int maxFriends = services.config().limits().maxFriends();
        if (services.db().friends().countFor(userId) >= maxFriends) {
            throw new ServiceException(Errno.FORBIDDEN, "you have " + maxFriends + " friends, the most allowed");
        }
        if (services.db().friends().countFor(friendId) >= maxFriends) {
            throw new ServiceException(Errno.FORBIDDEN, "user " + friendId + " has " + maxFriends
                    + " friends, the most allowed");
        }
        try {
            services.db().friends().befriend(userId, friendId);
        } catch (DuplicateKeyException e) {
            throw new ServiceException(Errno.CONFLICT, "you and user " + friendId + " are friends already");
        }
        Contact added = new Contact(friendId, friend.name(), services.online().isOnline(friendId) || friend.online());
        ObjectNode ack = Frames.ack(request);
        ack.set("friend", Frames.contact(added));
        session.send(ack);
        RosterPushes.befriended(services.router(), session, added);
    }

    static void createGroup(Services services, UserSession session, Request request) {
        String name = request.requiredText("groupname", MAX_GROUP_NAME_CHARS);
        String description = request.optionalText("groupdesc", MAX_GROUP_DESC_CHARS, "");
        if (name.isBlank()) {
            throw new ServiceException(Errno.BAD_REQUEST, "groupname must not be blank");
        }
        requireRoomForAnotherGroup(services, session.userId());
        int groupId;
        try {
            // 2.3: the creator's history of the group starts now.
            groupId = services.db().groups().create(name, description, session.userId(), services.messageIds().next());
        } catch (DuplicateKeyException e) {
            throw new ServiceException(Errno.CONFLICT, "a group named " + name + " exists already");
        }
        ObjectNode ack = Frames.ack(request);
        ack.put("groupid", groupId);
        session.send(ack);
        // The group as the database now holds it, built rather than read again: its creator alone.
        Group.Member creator = new Group.Member(session.userId(), session.userName(), true, Group.CREATOR);
        RosterPushes.joined(services.router(), session, new Group(groupId, name, description, List.of(creator)));
    }

    static void joinGroup(Services services, UserSession session, Request request) {
        int groupId = request.requiredInt("groupid");
        if (!services.db().groups().exists(groupId)) {
            throw new ServiceException(Errno.NOT_FOUND, "no group with id " + groupId);
        }
        requireRoomForAnotherGroup(services, session.userId());
        int maxMembers = services.config().limits().maxGroupMembers();
        if (services.db().groups().memberIds(groupId).size() >= maxMembers) {
            throw new ServiceException(Errno.FORBIDDEN, "group " + groupId + " has " + maxMembers
                    + " members, the most allowed");
        }
        try {
            // 2.3: the joiner's history of the group starts now: earlier messages stay unseen.
            services.db().groups().join(groupId, session.userId(), services.messageIds().next());
        } catch (DuplicateKeyException e) {
            throw new ServiceException(Errno.CONFLICT, "you are a member of group " + groupId + " already");
        }
        services.groupMembers().joined(groupId);
        Group group = services.db().groups().find(groupId);
        ObjectNode ack = Frames.ack(request);
        ack.set("group", Frames.group(group, false));
        session.send(ack);
        RosterPushes.joined(services.router(), session, group);
    }

    private static void requireRoomForAnotherGroup(Services services, int userId) {
        int maxGroups = services.config().limits().maxGroupsPerUser();
        if (services.db().groups().countOf(userId) >= maxGroups) {
            throw new ServiceException(Errno.FORBIDDEN, "you are in " + maxGroups + " groups, the most allowed");
        }
    }
}
