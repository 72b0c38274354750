package io.loomchat.store;

import java.nio.ByteBuffer;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * How the embedded history store ({@link StoredHistoryRows}) orders and writes its keys: by
 * conversation, then mid, two plain long comparisons. Spelling the comparison out is the point:
 * H2's SQL index on the same two columns compared them through its generic value types, which was
 * the largest single cost of the history on a single server (JFR,
 * loadtest/results/2026-12-07-embedded-history-store.md).
 */
final class MessageKeyType extends BasicDataType<MessageKeyType.Key> {

    static final MessageKeyType INSTANCE = new MessageKeyType();

    /** A message's place in the history: its conversation ({@link Conversation}), then its mid. */
    record Key(long conv, long mid) {
    }

    /** An object header and two longs. */
    private static final int MEMORY = 32;

    private MessageKeyType() {
    }

    @Override
    public int compare(Key one, Key other) {
        int byConversation = Long.compare(one.conv(), other.conv());
        return byConversation != 0 ? byConversation : Long.compare(one.mid(), other.mid());
    }

    @Override
    public int getMemory(Key key) {
        return MEMORY;
    }

    @Override
    public void write(WriteBuffer buffer, Key key) {
        buffer.putLong(key.conv()).putLong(key.mid());
    }

    @Override
    public Key read(ByteBuffer buffer) {
        return new Key(buffer.getLong(), buffer.getLong());
    }

    @Override
    public Key[] createStorage(int size) {
        return new Key[size];
    }
}
