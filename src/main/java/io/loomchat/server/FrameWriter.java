package io.loomchat.server;

import java.io.IOException;
import java.util.List;

/**
 * How queued frames leave for the peer: the one thing an {@link OutboundQueue} needs to know
 * about its transport, framing included (a frame's bytes are its JSON alone; a byte stream ends
 * each with its terminator, a WebSocket makes each a message). Called by the queue's single
 * writer thread only, never concurrently.
 */
interface FrameWriter {

    /**
     * Writes a batch of frames, oldest first, and flushes them. Either every frame reached the
     * transport or an exception says the connection is broken (some may have reached the peer).
     *
     * @param batchBytes the sum of the frames' lengths
     */
    void write(List<OutboundFrame> batch, int batchBytes) throws IOException;
}
