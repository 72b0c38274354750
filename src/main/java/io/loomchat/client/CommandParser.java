package io.loomchat.client;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns a typed line into a {@link Command}. Two spellings are accepted: ours, with spaces
 * ({@code chat 2 hi there}), and the classic C++ client's, with colons ({@code chat:2:hi there}),
 * so that people used to the old client need not relearn anything.
 */
final class CommandParser {

    private record Spec(int maxArgs, Function<String[], Command> build) {
    }

    /** Command name (and aliases) to how many arguments it splits into and how it is built. */
    private static final Map<String, Spec> SPECS = Map.ofEntries(
            Map.entry("help", new Spec(0, args -> new Command.Help())),
            Map.entry("chat", new Spec(2, args -> new Command.Chat(id(args, 0, "chat", "user"), text(args, 1, "chat")))),
            Map.entry("groupchat", new Spec(2, args ->
                    new Command.GroupChat(id(args, 0, "groupchat", "group"), text(args, 1, "groupchat")))),
            Map.entry("addfriend", new Spec(1, args -> new Command.AddFriend(id(args, 0, "addfriend", "user")))),
            Map.entry("creategroup", new Spec(2, args ->
                    new Command.CreateGroup(text(args, 0, "creategroup"), args.length > 1 ? args[1].strip() : ""))),
            Map.entry("addgroup", new Spec(1, args -> new Command.AddGroup(id(args, 0, "addgroup", "group")))),
            Map.entry("history", new Spec(4, args -> history(args, false))),
            Map.entry("ghistory", new Spec(4, args -> history(args, true))),
            Map.entry("friends", new Spec(0, args -> new Command.Friends())),
            Map.entry("groups", new Spec(0, args -> new Command.Groups())),
            Map.entry("login", new Spec(2, CommandParser::login)),
            Map.entry("find", new Spec(1, args -> new Command.Find(text(args, 0, "find")))),
            Map.entry("unread", new Spec(0, args -> new Command.Unread())),
            Map.entry("register", new Spec(2, args -> new Command.Register(text(args, 0, "register"), optional(args, 1)))),
            Map.entry("loginout", new Spec(0, args -> new Command.Logout())),
            Map.entry("logout", new Spec(0, args -> new Command.Logout())),
            Map.entry("quit", new Spec(0, args -> new Command.Quit())),
            Map.entry("exit", new Spec(0, args -> new Command.Quit())));

    /** Every name a line may start with, for completion. */
    static final Set<String> NAMES = SPECS.keySet();

    /** Thrown while building a command; its message is shown to the user. */
    private static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private CommandParser() {
    }

    static Command parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return new Command.Nothing();
        }
        int colon = trimmed.indexOf(':');
        int space = firstWhitespace(trimmed);
        boolean classic = colon > 0 && (space < 0 || colon < space)
                && SPECS.containsKey(trimmed.substring(0, colon).toLowerCase(Locale.ROOT));
        int end = classic ? colon : space < 0 ? trimmed.length() : space;
        String name = trimmed.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = end < trimmed.length() ? trimmed.substring(end + 1) : "";
        Spec spec = SPECS.get(name);
        if (spec == null) {
            return new Command.Invalid("Unknown command '" + trimmed.substring(0, end) + "'; type help for the list.");
        }
        String[] args = split(rest, spec.maxArgs(), classic);
        if (spec.maxArgs() == 0 && args.length > 0) {
            return new Command.Invalid("The command " + name + " takes no arguments.");
        }
        try {
            return spec.build().apply(args);
        } catch (Problem e) {
            return new Command.Invalid(e.getMessage());
        }
    }

    private static String[] split(String rest, int maxArgs, boolean classic) {
        if (maxArgs == 0) {
            return rest.isBlank() ? new String[0] : new String[] {rest};
        }
        if (classic) {
            return rest.isEmpty() ? new String[0] : rest.split(":", maxArgs);
        }
        String stripped = rest.stripLeading();
        return stripped.isEmpty() ? new String[0] : stripped.split("\\s+", maxArgs);
    }

    private static int id(String[] args, int index, String command, String what) {
        if (args.length <= index || args[index].isBlank()) {
            throw new Problem("Usage: " + synopsis(command) + " (the " + what + " id is missing).");
        }
        String value = args[index].strip();
        try {
            int id = Integer.parseInt(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            throw new Problem("'" + value + "' is not a " + what + " id; ids are whole numbers. Usage: "
                    + synopsis(command) + ".");
        }
        throw new Problem("A " + what + " id is a positive number, not " + value + ".");
    }

    /** {@code <id|name> [password]}: a whole number is an id; anything else a name (protocol 2.3). */
    private static Command login(String[] args) {
        String who = text(args, 0, "login");
        if (who.chars().allMatch(Character::isDigit)) {
            return new Command.Login(id(args, 0, "login", "user"), optional(args, 1));
        }
        return new Command.Login(0, who, optional(args, 1));
    }

    /** {@code <id> [n] [before <mid>]}. */
    private static Command history(String[] args, boolean group) {
        String command = group ? "ghistory" : "history";
        int id = id(args, 0, command, group ? "group" : "user");
        int next = 1;
        int limit = Command.History.DEFAULT_LIMIT;
        if (args.length > next && !args[next].equalsIgnoreCase("before")) {
            limit = (int) number(args[next], "n", Command.History.MAX_LIMIT, command);
            next++;
        }
        Long before = null;
        if (args.length > next) {
            if (!args[next].equalsIgnoreCase("before") || args.length != next + 2) {
                throw new Problem("Usage: " + synopsis(command) + ".");
            }
            before = number(args[next + 1], "mid", Long.MAX_VALUE, command);
        }
        return new Command.History(group, id, limit, before);
    }

    /** A whole number from 1 to {@code max}, or a sentence saying it is not one. */
    private static long number(String value, String what, long max, String command) {
        try {
            long number = Long.parseLong(value.strip());
            if (number >= 1 && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            throw new Problem("'" + value.strip() + "' is not a number. Usage: " + synopsis(command) + ".");
        }
        throw new Problem(max == Long.MAX_VALUE ? "A " + what + " is a positive number, not " + value.strip() + "."
                : what + " is 1 to " + max + ", not " + value.strip() + ".");
    }

    private static String text(String[] args, int index, String command) {
        if (args.length <= index || args[index].isBlank()) {
            throw new Problem("Usage: " + synopsis(command) + ".");
        }
        return args[index].strip();
    }

    private static String optional(String[] args, int index) {
        return args.length > index && !args[index].isBlank() ? args[index].strip() : null;
    }

    private static String synopsis(String command) {
        return Command.USAGES.stream().filter(usage -> usage.name().equals(command))
                .map(Command.Usage::synopsis).findFirst().orElse(command);
    }

    private static int firstWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
