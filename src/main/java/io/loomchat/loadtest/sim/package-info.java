/**
 * The simulated clients and what drives them: users and their device sessions, the streams
 * they send on and the ledger of what each device was shown, and the threads a scenario starts
 * to register, log in, send, keep alive, type and reconnect them. One run's shared state is
 * {@link RunContext}; scenarios compose these parts, never the wire.
 */
package io.loomchat.loadtest.sim;
