package io.loomchat.client;

import java.util.List;

/**
 * One line the user typed, understood. {@link CommandParser} makes them; {@link CommandRunner}
 * carries them out. Passwords are {@code null} when the user left them out and must be asked for.
 */
sealed interface Command {

    /** Name, arguments and meaning of every command, in the order {@code help} lists them. */
    List<Usage> USAGES = List.of(
            new Usage("chat", "chat <id> <text>", "send a message to a user; also chat:<id>:<text>"),
            new Usage("groupchat", "groupchat <gid> <text>", "send a message to a group you are in"),
            new Usage("addfriend", "addfriend <id>", "become friends with a user, both ways"),
            new Usage("creategroup", "creategroup <name> [desc]", "create a group and become its creator"),
            new Usage("addgroup", "addgroup <gid>", "join a group"),
            new Usage("history", "history <id> [n] [before <mid>]",
                    "the last n messages (" + History.DEFAULT_LIMIT + ", at most " + History.MAX_LIMIT
                            + ") with a user, from any of your devices"),
            new Usage("ghistory", "ghistory <gid> [n] [before <mid>]", "the last n messages of a group you are in"),
            new Usage("unread", "unread", "your conversations, the most recent first, with what is unread"),
            new Usage("find", "find <prefix>", "people whose names start with prefix (any case), to addfriend"),
            new Usage("friends", "friends", "list your friends and who is online"),
            new Usage("groups", "groups", "list your groups and their members"),
            new Usage("login", "login <id|name> [password]", "log in by user id or name; asks for the password if left out"),
            new Usage("register", "register <name> [password]", "create an account and log in to it"),
            new Usage("loginout", "loginout", "log out and stay connected; also logout"),
            new Usage("help", "help", "show this list"),
            new Usage("quit", "quit", "leave the client; also exit or Ctrl-D"));

    record Usage(String name, String synopsis, String meaning) {
    }

    record Help() implements Command {
    }

    record Chat(int toId, String text) implements Command {
    }

    record GroupChat(int groupId, String text) implements Command {
    }

    /**
     * Protocol 2.3 HISTORY: the newest {@code limit} messages of a conversation, before the
     * message {@code before} when it is not {@code null}.
     *
     * @param group whether {@code id} is a group id rather than a user id
     */
    record History(boolean group, int id, int limit, Long before) implements Command {
        /** A screenful, and few enough that a script reading them does not wait. */
        static final int DEFAULT_LIMIT = 20;
        /** PROTOCOL.md: {@code limit} is 1 to 200. */
        static final int MAX_LIMIT = 200;

        /** The command that shows the page before this one's first message, as the user types it. */
        String olderPage(long firstMid) {
            return (group ? "ghistory " : "history ") + id + " " + limit + " before " + firstMid;
        }
    }

    record AddFriend(int userId) implements Command {
    }

    record CreateGroup(String name, String description) implements Command {
    }

    record AddGroup(int groupId) implements Command {
    }

    record Friends() implements Command {
    }

    record Groups() implements Command {
    }

    /** By {@code userId}, or when it is 0 by {@code name} (protocol 2.3). */
    record Login(int userId, String name, String password) implements Command {
        Login(int userId, String password) {
            this(userId, null, password);
        }

        /** "user 7" or "alice", for messages. */
        String who() {
            return userId != 0 ? "user " + userId : name;
        }

        @Override
        public String toString() {
            return "Login[" + who() + "]";
        }
    }

    /** Protocol 2.3 FIND_USERS. */
    record Find(String prefix) implements Command {
    }

    /** Protocol 2.3 CONVERSATIONS. */
    record Unread() implements Command {
    }

    record Register(String name, String password) implements Command {
        @Override
        public String toString() {
            return "Register[name=" + name + "]";
        }
    }

    record Logout() implements Command {
    }

    record Quit() implements Command {
    }

    /** A blank line: nothing to do. */
    record Nothing() implements Command {
    }

    /** A line that is not a command; {@code problem} says why, as a sentence. */
    record Invalid(String problem) implements Command {
    }
}
