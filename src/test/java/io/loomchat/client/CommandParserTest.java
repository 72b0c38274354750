package io.loomchat.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

class CommandParserTest {

    @Test
    void chatTakesTheRestOfTheLineAsTextWithItsInnerSpaces() {
        assertEquals(new Command.Chat(2, "hi  there, don't panic!"), CommandParser.parse("chat 2 hi  there, don't panic!"));
    }

    @Test
    void classicColonSyntaxIsUnderstood() {
        assertEquals(new Command.Chat(2, "hi: there"), CommandParser.parse("chat:2:hi: there"));
        assertEquals(new Command.CreateGroup("team", "our team"), CommandParser.parse("creategroup:team:our team"));
        assertEquals(new Command.AddFriend(3), CommandParser.parse("addfriend:3"));
        assertEquals(new Command.Logout(), CommandParser.parse("loginout"));
    }

    @Test
    void commandNamesIgnoreCaseAndSurroundingBlanks() {
        assertEquals(new Command.GroupChat(7, "hello"), CommandParser.parse("  GroupChat 7 hello  "));
        assertEquals(new Command.Nothing(), CommandParser.parse("   "));
    }

    @Test
    void aGroupDescriptionIsOptional() {
        assertEquals(new Command.CreateGroup("team", ""), CommandParser.parse("creategroup team"));
    }

    @Test
    void passwordsAfterTheIdAreOptional() {
        assertEquals(new Command.Login(5, null), CommandParser.parse("login 5"));
        assertEquals(new Command.Login(5, "secret"), CommandParser.parse("login 5 secret"));
    }

    @Test
    void badInputSaysWhatIsWrong() {
        assertEquals(new Command.Invalid("Usage: chat <id> <text>."), CommandParser.parse("chat 2"));
        assertEquals(new Command.Invalid("A user id is a positive number, not 0."), CommandParser.parse("addfriend 0"));
        assertEquals(new Command.Invalid("The command quit takes no arguments."), CommandParser.parse("quit now"));
        assertInstanceOf(Command.Invalid.class, CommandParser.parse("chat:x:hi"));
    }

    @Test
    void historyTakesAnOptionalCountAndAnOptionalMidToPageBackFrom() {
        assertEquals(new Command.History(false, 2, 20, null), CommandParser.parse("history 2"));
        assertEquals(new Command.History(false, 2, 5, null), CommandParser.parse("history 2 5"));
        assertEquals(new Command.History(false, 2, 5, 81985529216486895L),
                CommandParser.parse("history 2 5 before 81985529216486895"));
        assertEquals(new Command.History(true, 7, 20, 99L), CommandParser.parse("ghistory 7 before 99"));
        assertEquals("ghistory 7 20 before 42", new Command.History(true, 7, 20, null).olderPage(42));
    }

    @Test
    void badHistoryArgumentsSayWhatIsWrong() {
        assertEquals(new Command.Invalid("n is 1 to 200, not 201."), CommandParser.parse("history 2 201"));
        assertEquals(new Command.Invalid("n is 1 to 200, not 0."), CommandParser.parse("history 2 0"));
        assertEquals(new Command.Invalid("Usage: history <id> [n] [before <mid>]."), CommandParser.parse("history 2 5 after 9"));
        assertEquals(new Command.Invalid("Usage: ghistory <gid> [n] [before <mid>]."), CommandParser.parse("ghistory 2 before"));
        assertEquals(new Command.Invalid("'x' is not a number. Usage: history <id> [n] [before <mid>]."),
                CommandParser.parse("history 2 5 before x"));
        assertEquals(new Command.Invalid("Usage: history <id> [n] [before <mid>] (the user id is missing)."),
                CommandParser.parse("history"));
    }
}
