package io.loomchat.service;

import io.loomchat.cluster.Cluster;
import io.loomchat.store.GroupDao;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    /**
     * Counts invalidations. A list read from the database is cached only if none happened while
     * it was read: otherwise a join committed meanwhile could be missing from it, and caching it
     * after the join's invalidation would keep the new member out until the next change.
     */
    private final AtomicLong changes = new AtomicLong();

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
        long before = changes.get();
        List<Integer> loaded = List.copyOf(groups.memberIds(groupId));
        if (!loaded.isEmpty() && changes.get() == before) {
            members.putIfAbsent(groupId, loaded);
            if (changes.get() != before) {
                members.remove(groupId, loaded); // an invalidation slipped in between the check and the put
            }
        }
        return loaded;
    }

    /** A member joined {@code groupId} (already committed): forget it here and everywhere. */
    void joined(int groupId) {
        forget(groupId);
        cluster.groupChanged(groupId);
    }

    /** A group changed (here, or on another server). */
    void forget(int groupId) {
        changes.incrementAndGet();
        members.remove(groupId);
    }

    void forgetAll() {
        changes.incrementAndGet();
        members.clear();
    }
}
