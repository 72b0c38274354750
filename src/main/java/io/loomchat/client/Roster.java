package io.loomchat.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the client knows about the logged-in user: who they are, their friends and groups, and
 * who is online. Filled from the login ack, kept current from ACKs, PRESENCE frames and the
 * roster pushes (FRIEND_ADDED, GROUP_JOINED: from others in 2.2, from the user's other devices in
 * 2.3). The connection thread writes it; the user's thread and the completer read it.
 */
final class Roster {

    record Person(int id, String name, boolean online) {
        static Person of(JsonNode node) {
            return new Person(node.path("id").asInt(), node.path("name").asText("?"),
                    "online".equals(node.path("state").asText()));
        }
    }

    record Member(int id, String name, boolean online, String role) {
        static Member of(JsonNode node) {
            return new Member(node.path("id").asInt(), node.path("name").asText("?"),
                    "online".equals(node.path("state").asText()), node.path("role").asText("normal"));
        }
    }

    record Group(int id, String name, String description, List<Member> members) {
        static Group of(JsonNode node) {
            List<Member> members = new ArrayList<>();
            node.path("users").forEach(user -> members.add(Member.of(user)));
            return new Group(node.path("id").asInt(), node.path("groupname").asText("?"),
                    node.path("groupdesc").asText(""), List.copyOf(members));
        }

        /** This group with a member added (or, if already listed, as given now). */
        Group withMember(Member member) {
            List<Member> updated = new ArrayList<>(members.size() + 1);
            members.stream().filter(m -> m.id() != member.id()).forEach(updated::add);
            updated.add(member);
            return new Group(id, name, description, List.copyOf(updated));
        }

        Group withState(int userId, boolean online) {
            return new Group(id, name, description, members.stream()
                    .map(m -> m.id() == userId ? new Member(m.id(), m.name(), online, m.role()) : m)
                    .toList());
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}; {@code null} while logged out. */
    private Person me;
    /** Guarded by {@link #lock}; in the order the server listed them, then in the order added. */
    private final Map<Integer, Person> friends = new LinkedHashMap<>();
    /** Guarded by {@link #lock}. */
    private final Map<Integer, Group> groups = new LinkedHashMap<>();
    /**
     * Guarded by {@link #lock}: names of people who sent us a message. A server before 2.2 does
     * not tell a user that someone befriended them, so these may be friends the login ack did not list.
     */
    private final Map<Integer, String> senders = new LinkedHashMap<>();

    /** Replaces everything with what a successful login ack says. */
    void reset(JsonNode loginAck) {
        lock.lock();
        try {
            me = new Person(loginAck.path("id").asInt(), loginAck.path("name").asText("?"), true);
            friends.clear();
            loginAck.path("friends").forEach(node -> {
                Person friend = Person.of(node);
                friends.put(friend.id(), friend);
            });
            groups.clear();
            loginAck.path("groups").forEach(node -> {
                Group group = Group.of(node);
                groups.put(group.id(), group);
            });
            loginAck.path("offlinemsg").forEach(message -> {
                // 2.3 carbons are from the user: not someone met.
                if (message.path("id").asInt() != me.id()) {
                    senders.put(message.path("id").asInt(), message.path("name").asText("?"));
                }
            });
        } finally {
            lock.unlock();
        }
    }

    void clear() {
        lock.lock();
        try {
            me = null;
            friends.clear();
            groups.clear();
            senders.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Remembers the name of someone who sent a message, for labels and completion. */
    void sender(int userId, String name) {
        lock.lock();
        try {
            senders.put(userId, name);
        } finally {
            lock.unlock();
        }
    }

    /** The logged-in user, or {@code null}. */
    Person me() {
        lock.lock();
        try {
            return me;
        } finally {
            lock.unlock();
        }
    }

    void addFriend(Person friend) {
        lock.lock();
        try {
            friends.put(friend.id(), friend);
        } finally {
            lock.unlock();
        }
    }

    void addGroup(Group group) {
        lock.lock();
        try {
            groups.put(group.id(), group);
        } finally {
            lock.unlock();
        }
    }

    /** Someone joined one of our groups (2.2 GROUP_JOINED); false when the group is not known here. */
    boolean memberJoined(int groupId, Member member) {
        lock.lock();
        try {
            return groups.computeIfPresent(groupId, (id, group) -> group.withMember(member)) != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a presence change. The server sends PRESENCE only to friends, so a user who is not
     * known as a friend yet must have befriended us meanwhile: from now on they are one.
     */
    void presence(int userId, String name, boolean online) {
        lock.lock();
        try {
            friends.put(userId, new Person(userId, name, online));
            groups.replaceAll((id, group) -> group.withState(userId, online));
        } finally {
            lock.unlock();
        }
    }

    List<Person> friends() {
        lock.lock();
        try {
            return List.copyOf(friends.values());
        } finally {
            lock.unlock();
        }
    }

    List<Group> groups() {
        lock.lock();
        try {
            return List.copyOf(groups.values());
        } finally {
            lock.unlock();
        }
    }

    /** "bob (2)" for a known user, "user 2" otherwise. */
    String userLabel(int userId) {
        lock.lock();
        try {
            Person friend = friends.get(userId);
            if (friend != null) {
                return friend.name() + " (" + userId + ")";
            }
            for (Group group : groups.values()) {
                for (Member member : group.members()) {
                    if (member.id() == userId) {
                        return member.name() + " (" + userId + ")";
                    }
                }
            }
            String sender = senders.get(userId);
            return sender == null ? "user " + userId : sender + " (" + userId + ")";
        } finally {
            lock.unlock();
        }
    }

    /** "team (7)" for a known group, "group 7" otherwise. */
    String groupLabel(int groupId) {
        lock.lock();
        try {
            Group group = groups.get(groupId);
            return group == null ? "group " + groupId : group.name() + " (" + groupId + ")";
        } finally {
            lock.unlock();
        }
    }

    /**
     * People met in groups or who sent a message, and not known as friends: candidates for
     * {@code addfriend}, and for {@code chat} after the friends.
     */
    List<Person> strangers() {
        lock.lock();
        try {
            Map<Integer, Person> found = new LinkedHashMap<>();
            for (Group group : groups.values()) {
                for (Member member : group.members()) {
                    found.putIfAbsent(member.id(), new Person(member.id(), member.name(), member.online()));
                }
            }
            senders.forEach((id, name) -> found.putIfAbsent(id, new Person(id, name, false)));
            found.keySet().removeAll(friends.keySet());
            if (me != null) {
                found.remove(me.id());
            }
            return List.copyOf(found.values());
        } finally {
            lock.unlock();
        }
    }
}
