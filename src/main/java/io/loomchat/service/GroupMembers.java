package io.loomchat.service;

import io.loomchat.cluster.Cluster;
import io.loomchat.store.GroupDao;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The members of each group, cached so that a group message costs no database query. Joins go
 * through {@link #joined}, which drops this server's entry and tells the other servers to drop
 * theirs. The cache is trusted only while the cluster hears every such change (always, on a
 * single node); while Redis is unreachable a change made elsewhere could go unheard, so members
 * are read from the database until the subscription is back and the cache has been emptied.
 */
final class GroupMembers {

    private final GroupDao groups;
    private final Cluster cluster;
    private final ConcurrentHashMap<Integer, List<Integer>> members = new ConcurrentHashMap<>();

    GroupMembers(GroupDao groups, Cluster cluster) {
        this.groups = groups;
        this.cluster = cluster;
    }

    /** The ids of a group's members; empty when the group does not exist. */
    List<Integer> of(int groupId) {
        if (!cluster.hearsEveryChange()) {
            return groups.memberIds(groupId);
        }
        List<Integer> cached = members.get(groupId);
        if (cached != null) {
            return cached;
        }
        List<Integer> loaded = List.copyOf(groups.memberIds(groupId));
        if (!loaded.isEmpty()) {
            // An invalidation that raced this load removed the key first; putIfAbsent would then
            // store a stale list, so a join also drops the entry after its own commit (below).
            members.putIfAbsent(groupId, loaded);
        }
        return loaded;
    }

    /** A member joined {@code groupId} (already committed): forget it here and everywhere. */
    void joined(int groupId) {
        members.remove(groupId);
        cluster.groupChanged(groupId);
    }

    /** Another server changed a group. */
    void forget(int groupId) {
        members.remove(groupId);
    }

    void forgetAll() {
        members.clear();
    }
}
