/**
 * The kinds of load {@code loomchat loadtest} runs, one class each (connect, chat, group, login,
 * failover, mixed, chaos), built from the phases of a {@link Session} and the simulated clients'
 * parts. Only {@link Scenario}, which picks one by name, and the Session the entry point hands it
 * are public; each scenario adds its own failures to the ones every run is judged by.
 */
package io.loomchat.loadtest.scenario;
