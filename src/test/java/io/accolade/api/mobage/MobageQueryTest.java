package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.ServerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;

/**
 * Issue 5, point 3: the query options exactly as the seed limits them. Every misuse is a 400 whose Mobage error body
 * names the parameter at fault.
 */
class MobageQueryTest extends ServerTest {
    private static final String MINE = BASE + "/people/@me/@self/achievements/@app";

    private MobageFixture m;
    private Http me;

    @BeforeParameterizedClassInvocation
    void data() {
        m = new MobageFixture(server, newApp());
        m.api("a1", "totalSteps", 5);
        m.api("a2");
        m.api("a3");
        me = m.as("u1");
        me.put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED"));
        me.put(MINE + "/a2?fields=state", Map.of("state", "REVEALED"));
        me.put(MINE + "/a3?fields=state", Map.of("state", "UNLOCKED"));
        m.users("u2");
        m.friends("u1", List.of("u2"));
    }

    private void assertNames(Http.Resp r, String parameter) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("Error").get("Message").asText()).contains("'" + parameter + "'");
    }

    private void assertQueryNames(String query, String parameter) {
        assertNames(me.get(MINE + "?" + query), parameter);
    }

    @Test
    void formatIsJsonOnly() {
        assertQueryNames("format=xml", "format");
        assertQueryNames("format=", "format");
        assertThat(me.get(MINE + "?format=json").status()).isEqualTo(200);
    }

    @Test
    void countIsOneToAThousandAndStartIndexIsOneBased() {
        for (String bad : new String[] {"0", "1001", "-1", "abc", "", "1.5", "99999999999"}) {
            assertQueryNames("count=" + bad, "count");
        }
        for (String bad : new String[] {"0", "-3", "x", ""}) {
            assertQueryNames("startIndex=" + bad, "startIndex");
        }
        var page = me.get(MINE + "?count=1000&startIndex=2").json();
        assertThat(page.get("startIndex").asInt()).isEqualTo(2);
        assertThat(page.get("itemsPerPage").asInt()).isEqualTo(2);
        assertThat(page.get("totalResults").asInt()).isEqualTo(3);
        var beyond = me.get(MINE + "?startIndex=10").json();
        assertThat(beyond.get("entry")).isEmpty();
        assertThat(beyond.get("itemsPerPage").asInt()).isZero();
        assertThat(beyond.get("totalResults").asInt()).isEqualTo(3);
        var one = me.get(MINE + "?count=1").json();
        assertThat(one.get("itemsPerPage").asInt()).isEqualTo(1);
        assertThat(one.get("entry").get(0).get("achievementId").asText()).isEqualTo("a1");
    }

    @Test
    void filterParametersGoTogether() {
        assertQueryNames("filterBy=state", "filterValue");
        assertQueryNames("filterValue=UNLOCKED", "filterBy");
        assertQueryNames("filterOp=equals", "filterOp");
        assertQueryNames("filterOp=equals&filterBy=state", "filterOp");
        assertQueryNames("filterOp=equals&filterValue=UNLOCKED", "filterOp");
        assertQueryNames("filterBy=steps&filterValue=UNLOCKED", "filterBy");
        assertQueryNames("filterBy=state&filterValue=unlocked", "filterValue");
        assertQueryNames("filterBy=state&filterValue=DONE", "filterValue");
        assertQueryNames("filterBy=state&filterValue=UNLOCKED&filterOp=contains", "filterOp");

        // filterOp is optional (the seed's own sample omits it) and means equals.
        var omitted = me.get(MINE + "?filterBy=state&filterValue=UNLOCKED").json();
        assertThat(omitted.get("filtered").asBoolean()).isTrue();
        assertThat(omitted.get("entry").findValuesAsText("achievementId")).containsExactly("a1", "a3");
        var explicit = me.get(MINE + "?filterBy=state&filterOp=equals&filterValue=REVEALED").json();
        assertThat(explicit.get("entry").findValuesAsText("achievementId")).containsExactly("a2");
    }

    @Test
    void aStateFilterCountsAndPagesOnlyTheMatchingRecordsOfSeveralUsersAndOfFriends() {
        m.users("f1", "f2", "f3");
        m.friends("f1", List.of("f2", "f3"));
        m.as("f2").put(MINE + "/a1?fields=state", Map.of("state", "UNLOCKED"));
        m.as("f2").put(MINE + "/a2?fields=state", Map.of("state", "REVEALED"));
        m.as("f3").put(MINE + "/a2?fields=state", Map.of("state", "UNLOCKED"));
        m.as("f3").put(MINE + "/a3?fields=state", Map.of("state", "UNLOCKED"));
        Http f1 = m.as("f1");

        var friends = f1.get(BASE + "/people/@me/@friends/achievements/@app/a1,a2,a3?filterBy=state"
                + "&filterValue=UNLOCKED&count=2&startIndex=2").json();
        assertThat(friends.get("totalResults").asInt()).isEqualTo(3);
        assertThat(friends.get("entry")).hasSize(2);
        assertThat(friends.get("entry").findValuesAsText("userId")).containsExactly("f3", "f3");
        assertThat(friends.get("entry").findValuesAsText("achievementId")).containsExactly("a2", "a3");

        var revealed = f1.get(BASE + "/people/f2,f3/@self/achievements/@app?filterBy=state&filterValue=REVEALED")
                .json();
        assertThat(revealed.get("totalResults").asInt()).isEqualTo(1);
        assertThat(revealed.get("entry").findValuesAsText("userId")).containsExactly("f2");
        assertThat(revealed.get("entry").findValuesAsText("achievementId")).containsExactly("a2");
        assertThat(f1.get(BASE + "/people/f2,f3/@self/achievements/@app/a1?filterBy=state&filterValue=REVEALED")
                .json().get("totalResults").asInt()).isZero();
    }

    @Test
    void sortParametersGoTogether() {
        assertQueryNames("sortBy=updated", "sortOrder");
        assertQueryNames("sortOrder=ascending", "sortBy");
        assertQueryNames("sortBy=state&sortOrder=ascending", "sortBy");
        assertQueryNames("sortBy=updated&sortOrder=up", "sortOrder");
        var sorted = me.get(MINE + "?sortBy=achievementId&sortOrder=descending").json();
        assertThat(sorted.get("sorted").asBoolean()).isTrue();
        assertThat(sorted.get("entry").findValuesAsText("achievementId")).containsExactly("a3", "a2", "a1");
    }

    @Test
    void updatedSinceIsAGmtDateTime() {
        for (String bad : new String[] {"2013-07-13", "2013-02-30T00:00:00", "2013-07-13T05:37:11Z",
            "2013-07-13T05:37:11.000", "2013-07-13 05:37:11", "yesterday", ""}) {
            assertQueryNames("updatedSince=" + bad.replace(" ", "%20"), "updatedSince");
        }
        // Malformed is refused even where the value would be ignored.
        assertQueryNames("sortBy=userId&sortOrder=ascending&updatedSince=x", "updatedSince");
        var future = me.get(MINE + "?sortBy=updated&sortOrder=ascending&updatedSince=2999-01-01T00:00:00").json();
        assertThat(future.get("updatedSince").asBoolean()).isTrue();
        assertThat(future.get("totalResults").asInt()).isZero();
    }

    @Test
    void fieldsAreAProjectionOfKnownFields() {
        assertQueryNames("fields=foo", "fields");
        assertQueryNames("fields=", "fields");
        assertQueryNames("fields=userId,,state", "fields");
        assertQueryNames("fields=userId,%20state", "fields");
        var all = me.get(MINE + "?fields=updated,userId,appId,achievementId,state,steps,numOfUnlocked,published")
                .json().get("entry").get(0);
        // Shown in the resource's field order, whatever the order asked.
        assertThat(all.properties()).extracting(Map.Entry::getKey).containsExactly("userId", "appId",
                "achievementId", "state", "steps", "numOfUnlocked", "published", "updated");
        assertThat(all.get("appId").asText()).isEqualTo(m.app.id());
        var one = me.get(MINE + "/a1?fields=steps").json();
        assertThat(one).isEqualTo(Http.parse("{\"steps\": 5}"));
    }

    @Test
    void unknownAndRepeatedParametersAreRefused() {
        assertQueryNames("unknown=1", "unknown");
        assertQueryNames("count=1&count=2", "count");
        assertQueryNames("sortby=updated&sortOrder=ascending", "sortby");
        assertNames(me.get(BASE + "/achievements/@app?sortBy=id&sortOrder=ascending"), "sortBy");
        assertNames(me.get(BASE + "/achievements/@app?count=0"), "count");
        assertNames(me.get(BASE + "/achievements/@app/a1?fields=nope"), "fields");
    }

    @Test
    void aFilterOnTheIdsFormFiltersWhetherOneIdOrTwoAreAsked() {
        var two = me.get(MINE + "/a1,a3?filterBy=state&filterValue=HIDDEN");
        assertThat(two.status()).isEqualTo(200);
        assertThat(two.json().get("totalResults").asInt()).isZero();
        var one = me.get(MINE + "/a1?filterBy=state&filterValue=HIDDEN");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.json().get("totalResults").asInt()).isZero();
        assertThat(one.json().get("filtered").asBoolean()).isTrue();
        var match = me.get(MINE + "/a1?filterBy=state&filterValue=UNLOCKED");
        assertThat(match.json().get("totalResults").asInt()).isEqualTo(1);
        // Without such an option, one id answers the object itself.
        assertThat(me.get(MINE + "/a1").json().get("state").asText()).isEqualTo("UNLOCKED");
    }

    @Test
    void optionsAreCheckedOnEveryReadForm() {
        assertNames(me.get(BASE + "/people/@me/@friends/achievements/@app/a1?count=0"), "count");
        assertNames(me.get(BASE + "/people/u1,u2/@self/achievements/@app/a1,a2?filterBy=state"), "filterValue");
        assertNames(me.get(MINE + "/a1?sortBy=updated"), "sortOrder");
    }

    @Test
    void pathValuesAreChecked() {
        assertNames(me.get(BASE + "/people/@me/@friends/achievements/@app"), "achievementId");
        assertNames(me.get(BASE + "/people/@me/@all/achievements/@app"), "selfOrFriends");
        assertNames(me.get(BASE + "/people/@you/@self/achievements/@app"), "userId");
        assertNames(me.get(BASE + "/people/u1,,u2/@self/achievements/@app"), "userId");
        assertNames(me.get(MINE + "/a1,,a2"), "achievementId");
        String many = String.join(",", java.util.Collections.nCopies(101, "u1"));
        assertNames(me.get(BASE + "/people/" + many + "/@self/achievements/@app"), "userId");
        // Unknown paths and methods under the prefix answer in the Mobage shape too.
        var unknown = me.get(BASE + "/nothing/here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("Error").get("Message").asText()).isNotBlank();
        var method = me.delete(MINE + "/a1");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().get("Error").get("Message").asText()).isNotBlank();
    }

    @Test
    void writeParametersAndBodiesAreChecked() {
        assertNames(me.put(MINE + "/a1?fields=state,steps", Map.of("state", "UNLOCKED")), "fields");
        assertNames(me.put(MINE + "/a1?fields=updated", Map.of("state", "UNLOCKED")), "fields");
        assertNames(me.put(MINE + "/a1?count=1", Map.of("state", "UNLOCKED")), "count");
        assertNames(me.put(MINE + "/a1?fields=state", Map.of("steps", 1)), "state");
        assertNames(me.put(MINE + "/a1?fields=steps", Map.of("state", "UNLOCKED")), "steps");
        assertNames(me.put(MINE + "/a1?fields=steps", Map.of("steps", "many")), "steps");
        assertNames(me.put(MINE + "/a1?fields=steps", Map.of("steps", 1.5)), "steps");
        assertNames(me.put(MINE + "/a1?fields=state", Map.of("state", "DONE")), "state");
        assertNames(me.put(MINE + "/a1", Map.of("state", "UNLOCKED", "steps", 1)), "state");
        assertNames(me.put(MINE + "/a1", Map.of("userId", "u1")), "steps");
        assertNames(me.put(BASE + "/people/@me/@friends/achievements/@app/a1?fields=state",
                Map.of("state", "UNLOCKED")), "selfOrFriends");
        assertNames(me.put(MINE + "/a1,a2?fields=state", Map.of("state", "UNLOCKED")), "achievementId");
        assertNames(me.post(MINE + "/a1/increment", Map.of("steps", "x")), "steps");
        assertNames(me.post(MINE + "/a1/increment", Map.of()), "steps");
        assertNames(me.post(MINE + "/a1/increment", Map.of("steps", 1, "state", "UNLOCKED")), "state");
        assertNames(me.post(MINE + "/a1/increment?fields=steps", Map.of("steps", 1)), "fields");
        var malformed = me.put(MINE + "/a1?fields=state", "{not json");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("Error").get("Message").asText()).isNotBlank();
    }
}
