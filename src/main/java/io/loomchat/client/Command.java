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
            new Usage("friends", "friends", "list your friends and who is online"),
            new Usage("groups", "groups", "list your groups and their members"),
            new Usage("login", "login <id> [password]", "log in; asks for the password if left out"),
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

    record Login(int userId, String password) implements Command {
        @Override
        public String toString() {
            return "Login[userId=" + userId + "]";
        }
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
