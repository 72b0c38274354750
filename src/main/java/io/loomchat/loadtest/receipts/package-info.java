/**
 * The client side of delivery receipts (protocol 2.2), as a simulated device session does it:
 * note the mid of every chat frame, confirm them in RECEIPT frames from one thread for the whole
 * run, drop a repeat by its mid, and, for the chaos scenario, prove with a PING which RECEIPTs
 * the server handled.
 */
package io.loomchat.loadtest.receipts;
