package io.loomchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** How a pipeline's batch becomes EVALSHA calls: runs of a sectioned script folded, order kept. */
class ScriptCallTest {

    @Test
    void consecutiveForwardsGoAsOneCallWhoseArgumentsAreTheSharedOnesThenEachForwardsOwn() {
        ScriptCall.Job first = forward("a", 1);
        ScriptCall.Job second = forward("b", 2);

        List<ScriptCall> calls = ScriptCall.fold(List.of(first, second));

        assertEquals(1, calls.size());
        assertEquals(List.of("user:1", "devices:1", "user:2", "devices:2"), text(calls.get(0).keys()));
        assertEquals(List.of("chan:", "me", "prefix:", "C 6 1 ", "a", "1", "", "1", "1", "C 6 1 ", "b", "1", "", "1", "2"),
                text(calls.get(0).args()));
    }

    @Test
    void eachCallerGetsTheReplyOfItsOwnSection() throws Exception {
        ScriptCall.Job first = forward("a", 1);
        ScriptCall.Job second = forward("b", 2);
        ScriptCall call = ScriptCall.fold(List.of(first, second)).get(0);

        call.complete(List.of(List.of(List.of(1L)), List.of(List.of())));

        assertEquals(List.of(List.of(1L)), first.reply().get());
        assertEquals(List.of(List.of()), second.reply().get());
    }

    @Test
    void aScriptBetweenTwoForwardsKeepsItsPlaceSoTheBatchRunsInTheOrderItWasQueued() {
        ScriptCall.Job confirm = new ScriptCall.Job(RedisScripts.CONFIRM, keys("inbox:1"), keys("7"), new CompletableFuture<>());
        List<ScriptCall> calls = ScriptCall.fold(List.of(forward("a", 1), confirm, forward("b", 2), forward("c", 3)));

        assertEquals(3, calls.size());
        assertEquals(1, calls.get(0).jobs().size());
        assertEquals(RedisScripts.CONFIRM, calls.get(1).script());
        assertEquals(2, calls.get(2).jobs().size());
    }

    @Test
    void aForwardToAGroupTooLargeToShareACallGoesAlone() {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < ScriptCall.MAX_FOLDED_VALUES / 2; i++) {
            members.add(i);
        }
        List<ScriptCall> calls = ScriptCall.fold(List.of(forward("a", 1), forward("group", members), forward("b", 2)));

        assertEquals(3, calls.size());
    }

    @Test
    void forwardsOfDifferentServersAreNeverFolded() {
        ScriptCall.Job other = new ScriptCall.Job(RedisScripts.FORWARD, keys("user:2", "devices:2"),
                keys("chan:", "someone-else", "prefix:", "C 6 1 ", "b", "1", "", "1", "2"), new CompletableFuture<>());

        assertEquals(2, ScriptCall.fold(List.of(forward("a", 1), other)).size());
    }

    @Test
    void aReplyWithTheWrongNumberOfSectionsFailsEveryCallerOfTheCall() {
        ScriptCall.Job first = forward("a", 1);
        ScriptCall.Job second = forward("b", 2);

        ScriptCall.fold(List.of(first, second)).get(0).complete(List.of(List.of()));

        assertThrows(ExecutionException.class, () -> first.reply().get());
        assertThrows(ExecutionException.class, () -> second.reply().get());
    }

    private static ScriptCall.Job forward(String frame, int to) {
        return forward(frame, List.of(to));
    }

    /** A forward as RedisCluster builds it: shared arguments, then the message's own. */
    private static ScriptCall.Job forward(String frame, List<Integer> to) {
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>(keys("chan:", "me", "prefix:", "C 6 1 ", frame, "1", "", Integer.toString(to.size())));
        to.forEach(id -> keys.add(bytes("user:" + id)));
        to.forEach(id -> keys.add(bytes("devices:" + id)));
        to.forEach(id -> args.add(bytes(Integer.toString(id))));
        return new ScriptCall.Job(RedisScripts.FORWARD, keys, args, new CompletableFuture<>());
    }

    private static List<byte[]> keys(String... values) {
        List<byte[]> list = new ArrayList<>();
        for (String value : values) {
            list.add(bytes(value));
        }
        return list;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> text(List<byte[]> values) {
        return values.stream().map(value -> new String(value, StandardCharsets.UTF_8)).toList();
    }
}
