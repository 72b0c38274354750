package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.testing.Backend;
import io.loomchat.testing.ChatClient;
import io.loomchat.testing.EndToEndTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.3 "Users by name": LOGIN by name and FIND_USERS, over real TCP, on both databases. */
@ParameterizedClass
@EnumSource(Backend.class)
class UsersByNameEndToEndTest extends EndToEndTest {

    @Test
    void aUserLogsInByNameAndAnUnknownNameIsErrno1LikeAWrongPassword() {
        ChatClient client = connect();
        int id = client.register("Zoe Quinn", PASSWORD);
        JsonNode ack = client.call("{\"msgid\":1,\"name\":\"Zoe Quinn\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        assertEquals(id, ack.path("id").asInt());
        assertEquals("Zoe Quinn", ack.path("name").asText());

        ChatClient other = connect();
        JsonNode unknown = other.call("{\"msgid\":1,\"name\":\"Nobody At All\",\"password\":\"" + PASSWORD + "\"}");
        JsonNode wrong = other.call("{\"msgid\":1,\"name\":\"Zoe Quinn\",\"password\":\"not it\"}");
        assertEquals(2, unknown.path("msgid").asInt());
        assertEquals(1, unknown.path("errno").asInt(), unknown::toString);
        assertEquals(wrong.path("errno").asInt(), unknown.path("errno").asInt());
        assertEquals(wrong.path("errmsg").asText(), unknown.path("errmsg").asText(), "nothing tells which names exist");
        assertEquals(4, other.call("{\"msgid\":1,\"name\":\"\",\"password\":\"x\"}").path("errno").asInt());
    }

    @Test
    void findUsersMatchesTheStartOfNamesWithoutCaseShortestFirst() {
        ChatClient client = connect();
        String stem = "Fx" + System.nanoTime() % 100_000;
        int longest = client.register(stem + "-bobby-tables", PASSWORD);
        int shortest = client.register(stem.toUpperCase(), PASSWORD);
        int middle = client.register(stem.toLowerCase() + "-bob", PASSWORD);
        client.register("zz" + stem, PASSWORD); // the stem inside a name, not at its start
        client.login(middle, PASSWORD);

        JsonNode users = find(client, stem.toLowerCase());
        assertEquals(List.of(shortest, middle, longest), ids(users), users::toString);
        assertEquals(stem.toUpperCase(), users.get(0).path("name").asText());
        assertEquals("offline", users.get(0).path("state").asText());
        assertEquals("online", users.get(1).path("state").asText(), "the searcher is logged in");
        assertEquals(List.of(middle, longest), ids(find(client, stem.toUpperCase() + "-B")));
        assertEquals(List.of(), ids(find(client, stem + "_")), "_ is a character, not a wildcard");
        assertEquals(List.of(), ids(find(client, stem + "%")), "% is a character, not a wildcard");
    }

    @Test
    void findUsersAnswersAtMost20() {
        ChatClient client = connect();
        String stem = "many" + System.nanoTime() % 100_000 + "-";
        List<Integer> registered = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            registered.add(client.register(stem + "x".repeat(i + 1), PASSWORD)); // each longer than the last
        }
        client.login(registered.get(0), PASSWORD);
        assertEquals(registered.subList(0, 20), ids(find(client, stem)));
    }

    @Test
    void badPrefixesAreErrno4AndAStrangerGetsErrno3() {
        ChatClient client = connect();
        int id = client.register("pat" + System.nanoTime() % 100_000, PASSWORD);
        assertEquals(3, client.call("{\"msgid\":24,\"name\":\"pa\"}").path("errno").asInt());
        client.login(id, PASSWORD);
        assertEquals(4, client.call("{\"msgid\":24,\"name\":\"\"}").path("errno").asInt());
        assertEquals(4, client.call("{\"msgid\":24,\"name\":\"" + "p".repeat(51) + "\"}").path("errno").asInt());
        assertEquals(4, client.call("{\"msgid\":24,\"name\":7}").path("errno").asInt());
        assertEquals(4, client.call("{\"msgid\":24}").path("errno").asInt());
        assertEquals(0, client.call("{\"msgid\":24,\"name\":\"" + "p".repeat(50) + "\"}").path("errno").asInt());
    }

    private static JsonNode find(ChatClient client, String prefix) {
        JsonNode ack = client.call("{\"msgid\":24,\"name\":" + ChatClient.quote(prefix) + "}");
        assertEquals(0, ack.path("errno").asInt(), ack::toString);
        return ack.path("users");
    }

    private static List<Integer> ids(JsonNode users) {
        List<Integer> ids = new ArrayList<>();
        users.forEach(user -> ids.add(user.path("id").asInt()));
        return ids;
    }
}
