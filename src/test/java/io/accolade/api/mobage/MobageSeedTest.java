package io.accolade.api.mobage;

import static io.accolade.support.MobageFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.MobageFixture;
import io.accolade.support.MutableClock;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 5: every sample request of the seed (mobage-user-achievement-api.txt), replayed against data written through
 * the API at the seed's own timestamps, so that the answers can be compared with the seed's answers field for field.
 */
class MobageSeedTest extends ServerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2013-07-12T00:00:00Z"));

    @Override
    protected TestServer startServer(StoreKind kind) {
        // Tokens outlive the clock's jumps across the seed's days.
        return TestServer.start(kind, clock, c -> c.withTokenTtl(Duration.ofDays(3650)));
    }

    private MobageFixture fixture() {
        return new MobageFixture(server, newApp());
    }

    /** PUT ?fields=state as the viewer, at {@code gmt}. */
    private void putState(Http as, String key, String state, String gmt) {
        clock.set(gmt);
        var r = as.put(BASE + "/people/@me/@self/achievements/@app/" + key + "?fields=state", Map.of("state", state));
        assertThat(r.status()).as("PUT %s state=%s: %s", key, state, r).isEqualTo(200);
    }

    private void unlock(Http as, String key, String gmt) {
        putState(as, key, "UNLOCKED", gmt);
    }

    @Test
    void userCollectionWithFilterSortFieldsAndUpdatedSince() {
        MobageFixture m = fixture();
        List<String> keys = List.of("blood_reign", "dragon_scale", "animal_hunter", "exorcist", "self_preservation",
                "berserk", "arbitration", "broken_heart", "sniper", "fist_fight", "iron_will", "lone_wolf",
                "old_timer", "bogus_hero");
        for (String k : keys) {
            boolean repeatable = List.of("animal_hunter", "self_preservation", "broken_heart").contains(k);
            m.api(k, "repeatable", repeatable, "totalSteps", 20);
        }
        Http me = m.as("12345");
        unlock(me, "old_timer", "2013-07-12T10:00:00");         // before updatedSince: left out
        for (int i = 0; i < 4; i++) {
            unlock(me, "animal_hunter", "2013-07-14T0" + i + ":00:00");
        }
        unlock(me, "self_preservation", "2013-07-14T05:00:00");
        unlock(me, "broken_heart", "2013-07-14T06:00:00");
        unlock(me, "broken_heart", "2013-07-14T07:00:00");
        unlock(me, "lone_wolf", "2013-07-14T12:00:00");
        unlock(me, "iron_will", "2013-07-15T18:00:00");
        unlock(me, "fist_fight", "2013-07-15T19:57:15");
        unlock(me, "sniper", "2013-07-15T20:56:45");
        unlock(me, "broken_heart", "2013-07-15T21:54:15");
        unlock(me, "arbitration", "2013-07-15T22:54:31");
        unlock(me, "berserk", "2013-07-15T23:57:03");
        unlock(me, "self_preservation", "2013-07-16T00:51:54");
        unlock(me, "exorcist", "2013-07-16T01:48:36");
        unlock(me, "animal_hunter", "2013-07-16T02:53:49");
        unlock(me, "dragon_scale", "2013-07-16T03:49:18");
        unlock(me, "blood_reign", "2013-07-16T04:57:08");
        putState(me, "bogus_hero", "REVEALED", "2013-07-16T05:00:00");   // not UNLOCKED: filtered out

        var r = me.get(BASE + "/people/@me/@self/achievements/@app?filterValue=UNLOCKED&count=10"
                + "&fields=achievementId%2CnumOfUnlocked%2Cupdated&updatedSince=2013-07-13T05%3A37%3A11"
                + "&sortOrder=descending&sortBy=updated&filterBy=state");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.header("Pragma")).isEqualTo("no-cache");
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "entry": [
                        { "achievementId": "blood_reign", "numOfUnlocked": 1, "updated": "2013-07-16T04:57:08" },
                        { "achievementId": "dragon_scale", "numOfUnlocked": 1, "updated": "2013-07-16T03:49:18" },
                        { "achievementId": "animal_hunter", "numOfUnlocked": 5, "updated": "2013-07-16T02:53:49" },
                        { "achievementId": "exorcist", "numOfUnlocked": 1, "updated": "2013-07-16T01:48:36" },
                        { "achievementId": "self_preservation", "numOfUnlocked": 2, "updated": "2013-07-16T00:51:54" },
                        { "achievementId": "berserk", "numOfUnlocked": 1, "updated": "2013-07-15T23:57:03" },
                        { "achievementId": "arbitration", "numOfUnlocked": 1, "updated": "2013-07-15T22:54:31" },
                        { "achievementId": "broken_heart", "numOfUnlocked": 3, "updated": "2013-07-15T21:54:15" },
                        { "achievementId": "sniper", "numOfUnlocked": 1, "updated": "2013-07-15T20:56:45" },
                        { "achievementId": "fist_fight", "numOfUnlocked": 1, "updated": "2013-07-15T19:57:15" }
                    ],
                    "startIndex": 1,
                    "itemsPerPage": 10,
                    "totalResults": 12,
                    "filtered": true,
                    "sorted": true,
                    "updatedSince": true
                }"""));

        // The next page: paging applies after filter and sort; itemsPerPage counts this page's entries.
        var page2 = me.get(BASE + "/people/@me/@self/achievements/@app?filterBy=state&filterOp=equals"
                + "&filterValue=UNLOCKED&count=10&startIndex=11&fields=achievementId&updatedSince=2013-07-13T05:37:11"
                + "&sortOrder=descending&sortBy=updated");
        assertThat(page2.json()).isEqualTo(Http.parse("""
                {"entry": [{"achievementId": "iron_will"}, {"achievementId": "lone_wolf"}],
                 "startIndex": 11, "itemsPerPage": 2, "totalResults": 12,
                 "filtered": true, "sorted": true, "updatedSince": true}"""));

        // Without sortBy=updated, updatedSince is ignored (the seed) and says so.
        var ignored = me.get(BASE + "/people/@me/@self/achievements/@app?updatedSince=2013-07-13T05:37:11");
        assertThat(ignored.json().get("totalResults").asInt()).isEqualTo(14);
        assertThat(ignored.json().get("updatedSince").asBoolean()).isFalse();
        assertThat(ignored.json().get("filtered").asBoolean()).isFalse();
        assertThat(ignored.json().get("sorted").asBoolean()).isFalse();
        // Default fields and definition order.
        assertThat(ignored.json().get("entry").get(0)).isEqualTo(Http.parse(
                "{\"userId\": \"12345\", \"achievementId\": \"blood_reign\", \"state\": \"UNLOCKED\"}"));
        assertThat(ignored.json().get("entry").findValuesAsText("achievementId")).isEqualTo(keys);
    }

    @Test
    void friendsCollectionWithCountFieldsAndSortByUserId() {
        MobageFixture m = fixture();
        m.api("bogus_hero", "initialState", "HIDDEN", "totalSteps", 20);
        m.api("other", "totalSteps", 20);
        record Friend(String id, String state, String gmt) {
        }
        List<Friend> seeded = new ArrayList<>(List.of(
                new Friend("sp.mbga.jp:10234", "UNLOCKED", "2013-07-15T19:26:42"),
                new Friend("sp.mbga.jp:10211", "REVEALED", "2013-07-16T01:26:49"),
                new Friend("sp.mbga.jp:10108", "HIDDEN", "2013-07-15T10:26:53"),
                new Friend("sp.mbga.jp:9987", "REVEALED", "2013-07-16T06:27:00"),
                new Friend("sp.mbga.jp:9312", "UNLOCKED", "2013-07-15T09:27:07"),
                new Friend("sp.mbga.jp:8778", "UNLOCKED", "2013-07-15T15:27:12"),
                new Friend("sp.mbga.jp:7009", "HIDDEN", "2013-07-15T20:27:17")));
        for (int i = 1; i <= 10; i++) {
            seeded.add(new Friend("sp.mbga.jp:" + (1000 + i), "REVEALED", "2013-07-14T00:00:0" + (i % 10)));
        }
        List<String> friendIds = new ArrayList<>();
        for (Friend f : seeded) {
            putState(m.as(f.id()), "bogus_hero", f.state(), f.gmt());
            friendIds.add(f.id());
        }
        // A friend without a record of bogus_hero, and a stranger with one: neither shows.
        putState(m.as("sp.mbga.jp:555"), "other", "UNLOCKED", "2013-07-15T00:00:00");
        putState(m.as("sp.mbga.jp:666"), "bogus_hero", "UNLOCKED", "2013-07-15T00:00:00");
        friendIds.add("sp.mbga.jp:555");
        Http me = m.as("sp.mbga.jp:12345");
        m.friends("sp.mbga.jp:12345", friendIds);

        var r = me.get(BASE + "/people/@me/@friends/achievements/@app/bogus_hero?count=10"
                + "&fields=userId%2Cstate%2CnumOfUnlocked%2Cupdated&updatedSince=2013-07-13T05%3A37%3A11"
                + "&sortOrder=descending&sortBy=userId");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "entry": [
                        { "userId": "sp.mbga.jp:10234", "state": "UNLOCKED", "numOfUnlocked": 1, "updated": "2013-07-15T19:26:42" },
                        { "userId": "sp.mbga.jp:10211", "state": "REVEALED", "numOfUnlocked": 0, "updated": "2013-07-16T01:26:49" },
                        { "userId": "sp.mbga.jp:10108", "state": "HIDDEN", "numOfUnlocked": 0, "updated": "2013-07-15T10:26:53" },
                        { "userId": "sp.mbga.jp:9987", "state": "REVEALED", "numOfUnlocked": 0, "updated": "2013-07-16T06:27:00" },
                        { "userId": "sp.mbga.jp:9312", "state": "UNLOCKED", "numOfUnlocked": 1, "updated": "2013-07-15T09:27:07" },
                        { "userId": "sp.mbga.jp:8778", "state": "UNLOCKED", "numOfUnlocked": 1, "updated": "2013-07-15T15:27:12" },
                        { "userId": "sp.mbga.jp:7009", "state": "HIDDEN", "numOfUnlocked": 0, "updated": "2013-07-15T20:27:17" },
                        { "userId": "sp.mbga.jp:1010", "state": "REVEALED", "numOfUnlocked": 0, "updated": "2013-07-14T00:00:00" },
                        { "userId": "sp.mbga.jp:1009", "state": "REVEALED", "numOfUnlocked": 0, "updated": "2013-07-14T00:00:09" },
                        { "userId": "sp.mbga.jp:1008", "state": "REVEALED", "numOfUnlocked": 0, "updated": "2013-07-14T00:00:08" }
                    ],
                    "startIndex": 1,
                    "itemsPerPage": 10,
                    "totalResults": 17,
                    "filtered": false,
                    "sorted": true,
                    "updatedSince": false
                }"""));

        // Friends are mutual: a friend sees the viewer's record too (the viewer has none of bogus_hero yet).
        var back = m.as("sp.mbga.jp:9987").get(BASE + "/people/@me/@friends/achievements/@app/bogus_hero");
        assertThat(back.json().get("totalResults").asInt()).isZero();
        assertThat(back.json().get("entry")).isEmpty();
    }

    @Test
    void singleUserSingleAchievementIsTheBareObject() {
        MobageFixture m = new MobageFixture(server, server.newApp("12000129"));
        m.api("bogus_hero", "totalSteps", 20);
        Http me = m.as("sp.mbga.jp:12345");
        putState(me, "bogus_hero", "REVEALED", "2013-07-15T09:13:58");

        var r = me.get(BASE + "/people/@me/@self/achievements/@app/bogus_hero");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "userId": "sp.mbga.jp:12345",
                    "achievementId": "bogus_hero",
                    "state": "REVEALED"
                }"""));
        // The same with explicit ids instead of @me and @app.
        var explicit = me.get(BASE + "/people/sp.mbga.jp:12345/@self/achievements/12000129/bogus_hero");
        assertThat(explicit.json()).isEqualTo(r.json());
        // Percent-encoded literals are the same literals.
        var encoded = me.get(BASE + "/people/%40me/%40self/achievements/%40app/bogus_hero");
        assertThat(encoded.json()).as(encoded.toString()).isEqualTo(r.json());
    }

    @Test
    void severalUsersTimesSeveralAchievements() {
        MobageFixture m = fixture();
        m.api("blood_reign", "initialState", "HIDDEN");
        m.api("animal_hunter", "initialState", "HIDDEN", "totalSteps", 5);
        m.api("unasked");
        putState(m.as("10234"), "blood_reign", "UNLOCKED", "2013-07-15T00:00:00");
        putState(m.as("10234"), "animal_hunter", "REVEALED", "2013-07-15T00:00:01");
        putState(m.as("10234"), "unasked", "UNLOCKED", "2013-07-15T00:00:01");
        putState(m.as("10351"), "animal_hunter", "REVEALED", "2013-07-15T00:00:02");
        putState(m.as("11487"), "blood_reign", "HIDDEN", "2013-07-15T00:00:03");
        putState(m.as("11487"), "animal_hunter", "UNLOCKED", "2013-07-15T00:00:04");

        Http viewer = m.as("99999");
        var r = viewer.get(BASE + "/people/10234,10351,11487/@self/achievements/@app/blood_reign,animal_hunter");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "entry": [
                        { "userId": "10234", "achievementId": "blood_reign", "state": "UNLOCKED" },
                        { "userId": "10234", "achievementId": "animal_hunter", "state": "REVEALED" },
                        { "userId": "10351", "achievementId": "animal_hunter", "state": "REVEALED" },
                        { "userId": "11487", "achievementId": "blood_reign", "state": "HIDDEN" },
                        { "userId": "11487", "achievementId": "animal_hunter", "state": "UNLOCKED" }
                    ],
                    "startIndex": 1,
                    "itemsPerPage": 5,
                    "totalResults": 5
                }"""));

        // Unknown users in a list contribute nothing; an unknown single user is a 404.
        var withUnknown = viewer.get(BASE + "/people/10234,nobody,11487/@self/achievements/@app/blood_reign");
        assertThat(withUnknown.json().get("entry").findValuesAsText("userId")).containsExactly("10234", "11487");
        var unknown = viewer.get(BASE + "/people/nobody/@self/achievements/@app/blood_reign,animal_hunter");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("Error").get("Message").asText()).contains("nobody");
        assertThat(viewer.get(BASE + "/people/nobody/@self/achievements/@app").status()).isEqualTo(404);
        // One user, one achievement, no record: 404 (the seed); unknown achievement likewise.
        var none = viewer.get(BASE + "/people/10351/@self/achievements/@app/blood_reign");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("Error").get("Message").asText()).isNotBlank();
        assertThat(viewer.get(BASE + "/people/10351/@self/achievements/@app/no_such").status()).isEqualTo(404);
        // With collection options the ids form says which took effect.
        var sorted = viewer.get(BASE + "/people/10234,11487/@self/achievements/@app/blood_reign,animal_hunter"
                + "?sortBy=achievementId&sortOrder=ascending&fields=userId,achievementId");
        JsonNode body = sorted.json();
        assertThat(body.get("sorted").asBoolean()).isTrue();
        assertThat(body.get("filtered").asBoolean()).isFalse();
        assertThat(body.get("entry").findValuesAsText("achievementId"))
                .containsExactly("animal_hunter", "animal_hunter", "blood_reign", "blood_reign");
        // Stable over the default (users as listed) order.
        assertThat(body.get("entry").findValuesAsText("userId")).containsExactly("10234", "11487", "10234", "11487");
    }

    @Test
    void putStepsAnswersTheFullObject() {
        MobageFixture m = new MobageFixture(server, server.newApp("12000130"));
        m.api("bogus_hero", "totalSteps", 20);
        Http me = m.as("sp.mbga.jp:12345");
        putState(me, "bogus_hero", "REVEALED", "2013-07-15T09:13:58");
        clock.set("2013-07-15T11:22:16");

        var r = me.put(BASE + "/people/@me/@self/achievements/@app/bogus_hero?fields=steps", Map.of("steps", 10));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "userId": "sp.mbga.jp:12345",
                    "appId": "12000130",
                    "achievementId": "bogus_hero",
                    "state": "REVEALED",
                    "steps": 10,
                    "numOfUnlocked": 0,
                    "published": "2013-07-15T09:13:58",
                    "updated": "2013-07-15T11:22:16"
                }"""));
    }

    @Test
    void putStateAnswersTheFullObject() {
        MobageFixture m = new MobageFixture(server, server.newApp("12000131"));
        m.api("bullpen_ace", "initialState", "HIDDEN");
        Http me = m.as("sp.mbga.jp:12345");
        // Creating the record at its initial state is allowed (and is not a change).
        putState(me, "bullpen_ace", "HIDDEN", "2013-07-15T09:13:58");
        clock.set("2013-07-15T11:22:16");

        var r = me.put(BASE + "/people/@me/@self/achievements/@app/bullpen_ace?fields=state",
                Map.of("state", "REVEALED"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Http.parse("""
                {
                    "userId": "sp.mbga.jp:12345",
                    "appId": "12000131",
                    "achievementId": "bullpen_ace",
                    "state": "REVEALED",
                    "steps": 0,
                    "numOfUnlocked": 0,
                    "published": "2013-07-15T09:13:58",
                    "updated": "2013-07-15T11:22:16"
                }"""));
    }
}
