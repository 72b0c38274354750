package io.loomchat.client;

import java.util.List;
import java.util.Locale;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: command names first, then the id a command expects, from the roster, with
 * the name beside each id so that nobody has to remember numbers.
 */
final class CommandCompleter implements Completer {

    private final Roster roster;

    CommandCompleter(Roster roster) {
        this.roster = roster;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            for (Command.Usage usage : Command.USAGES) {
                candidates.add(new Candidate(usage.name(), usage.name(), null, usage.meaning(), null, null, true));
            }
            return;
        }
        if (line.wordIndex() != 1) {
            return;
        }
        switch (line.words().get(0).toLowerCase(Locale.ROOT)) {
            case "chat", "history" -> {
                roster.friends().forEach(friend -> candidates.add(
                        id(friend.id(), friend.name() + ", " + (friend.online() ? "online" : "offline"), "friends")));
                roster.strangers().forEach(person -> candidates.add(
                        id(person.id(), person.name() + ", not a friend", "others")));
            }
            case "groupchat", "ghistory" -> roster.groups().forEach(group -> candidates.add(
                    id(group.id(), group.name() + ", " + group.members().size() + " members", "groups")));
            case "addfriend" -> roster.strangers().forEach(person -> candidates.add(
                    id(person.id(), person.name() + ", met in a group or a chat", "people you may know")));
            default -> {
                // The other commands take a name or nothing: there is nothing to offer.
            }
        }
    }

    private static Candidate id(int id, String description, String group) {
        String value = Integer.toString(id);
        return new Candidate(value, value + " " + description.substring(0, description.indexOf(',')),
                group, description, null, null, true);
    }
}
