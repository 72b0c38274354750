package io.loomchat.service;

import io.loomchat.cluster.Cluster;
import io.loomchat.store.Database;

/** What handlers work with; one instance per server, shared by every session. */
record Services(ServiceConfig config, Database db, OnlineUsers online, MessageRouter router,
                PasswordHasher passwords, MessageIds messageIds, Cluster cluster, GroupMembers groupMembers,
                LoginThrottle throttle, SessionGate sessionGate, KnownDevices knownDevices, ChatMetrics metrics,
                History history, ReadMarks readMarks) {
}
