/**
 * What a run measured and how it is shown: counters and latency histograms written by every
 * client thread without waiting, a sample each second for the progress line, and at the end the
 * figures that travel between worker processes, the summary table, report.json, report.md and
 * the charts. It knows nothing of connections or simulated users, only of the numbers.
 */
package io.loomchat.loadtest.report;
