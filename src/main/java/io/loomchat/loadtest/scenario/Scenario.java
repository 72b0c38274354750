package io.loomchat.loadtest.scenario;

import java.util.List;

/**
 * One kind of load. Each scenario is one class; {@link io.loomchat.loadtest.LoadTest} picks it by
 * name.
 */
public interface Scenario {

    /**
     * Runs the scenario with this process's share of the users, filling {@code figures}' timings
     * and adding to its failures what the scenario itself requires (e.g. no drops).
     */
    void run(Session session) throws Exception;

    static Scenario named(String name) {
        return switch (name) {
            case "connect" -> new ConnectScenario();
            case "chat" -> new ChatScenario();
            case "group" -> new GroupScenario();
            case "login" -> new LoginScenario();
            case "failover" -> new FailoverScenario();
            case "mixed" -> new MixedScenario();
            case "chaos" -> new ChaosScenario();
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "'; one of " + NAMES);
        };
    }

    List<String> NAMES = List.of("connect", "chat", "group", "login", "failover", "mixed", "chaos");
}
