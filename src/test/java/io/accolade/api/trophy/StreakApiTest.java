package io.accolade.api.trophy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.Http;
import io.accolade.support.MutableClock;
import io.accolade.support.ServerTest;
import io.accolade.support.StoreKind;
import io.accolade.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 over HTTP: streak settings, events over simulated days (the server's clock is moved by hand), history,
 * rank, rankings, freezes, restore and streak achievements.
 */
class StreakApiTest extends ServerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-04-01T03:00:00Z"));

    @Override
    protected TestServer startServer(StoreKind kind) {
        return TestServer.start(kind, clock, c -> c);
    }

    /** An app with metric "words", a daily streak on it (≥ 1 per day) and the given freeze policy. */
    private TestServer.TestApp app(Map<String, Object> freezes) {
        clock.set(Instant.parse("2025-04-01T03:00:00Z"));
        var app = newApp();
        assertThat(admin().put("/admin/v1/apps/" + app.id() + "/metrics/words", Map.of("name", "Words")).status())
                .isEqualTo(201);
        var settings = new java.util.HashMap<String, Object>(Map.of("frequency", "daily",
                "metrics", List.of(Map.of("key", "words", "threshold", 1))));
        if (freezes != null) {
            settings.put("freezes", freezes);
        }
        var put = admin().put("/admin/v1/apps/" + app.id() + "/streak", settings);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        return app;
    }

    private static JsonNode event(Http http, String user, String tz, double value) {
        var r = http.post("/v1/metrics/words/event", Map.of("user", Map.of("id", user, "tz", tz), "value", value));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void settingsAreValidatedAndReadBack() {
        var app = newApp();
        var bad = admin().put("/admin/v1/apps/" + app.id() + "/streak",
                Map.of("frequency", "daily", "metrics", List.of(Map.of("key", "nope", "threshold", 1))));
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.json().get("error").asText()).contains("streak.metrics").contains("nope");
        assertThat(admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", "hourly")).status())
                .isEqualTo(400);
        admin().put("/admin/v1/apps/" + app.id() + "/metrics/words", Map.of("name", "Words"));
        var ok = admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", "weekly", "weekStart",
                "sunday", "metrics", List.of(Map.of("key", "words", "threshold", 5))));
        assertThat(ok.status()).isEqualTo(200);
        var read = admin().get("/admin/v1/apps/" + app.id() + "/streak").json();
        assertThat(read.get("frequency").asText()).isEqualTo("weekly");
        assertThat(read.get("weekStart").asText()).isEqualTo("sunday");
        assertThat(read.get("metrics").get(0).get("threshold").asDouble()).isEqualTo(5.0);
        // A metric that counts for streaks cannot be deleted.
        assertThat(admin().delete("/admin/v1/apps/" + app.id() + "/metrics/words").status()).isEqualTo(409);
    }

    @Test
    void eventsOverDaysBuildTheStreakInTheUsersZone() {
        var app = app(null);
        // 03:00Z on 1 April is 12:00 in Tokyo.
        var first = event(app.http(), "kenji", "Asia/Tokyo", 3).get("currentStreak");
        assertThat(first.get("length").asInt()).isEqualTo(1);
        assertThat(first.get("extended").asBoolean()).isTrue();
        assertThat(first.get("frequency").asText()).isEqualTo("daily");
        assertThat(first.get("started").asText()).isEqualTo("2025-04-01");
        assertThat(first.get("periodStart").asText()).isEqualTo("2025-04-01");
        assertThat(first.get("periodEnd").asText()).isEqualTo("2025-04-01");
        assertThat(first.get("expires").asText()).isEqualTo("2025-04-02");
        var again = event(app.http(), "kenji", "Asia/Tokyo", 1).get("currentStreak");
        assertThat(again.get("length").asInt()).isEqualTo(1);
        assertThat(again.get("extended").asBoolean()).isFalse();

        // 14:59Z on 1 April is 23:59 in Tokyo; 15:01Z is 00:01 on the 2nd there.
        clock.set(Instant.parse("2025-04-01T14:59:00Z"));
        assertThat(event(app.http(), "kenji", "Asia/Tokyo", 1).get("currentStreak").get("length").asInt()).isEqualTo(1);
        clock.set(Instant.parse("2025-04-01T15:01:00Z"));
        var second = event(app.http(), "kenji", "Asia/Tokyo", 1).get("currentStreak");
        assertThat(second.get("length").asInt()).isEqualTo(2);
        assertThat(second.get("extended").asBoolean()).isTrue();

        var streak = app.http().get("/v1/users/kenji/streak?historyPeriods=3").json();
        assertThat(streak.get("length").asInt()).isEqualTo(2);
        assertThat(streak.get("rank").asInt()).isEqualTo(1);
        assertThat(streak.get("streakHistory")).hasSize(3);
        assertThat(streak.get("streakHistory").findValuesAsText("periodStart"))
                .containsExactly("2025-03-31", "2025-04-01", "2025-04-02");
        assertThat(streak.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(0, 1, 2);
        assertThat(app.http().get("/v1/users/kenji/streak").json().get("streakHistory")).hasSize(7);
    }

    @Test
    void partsOfADaysThresholdAddUpAcrossEvents() {
        var app = app(null);
        admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", "daily",
                "metrics", List.of(Map.of("key", "words", "threshold", 5))));
        // At 12:00 Tokyo 3 words (not yet 5: no streak), at 12:00 another 3: the day's 6 reach the threshold.
        assertThat(event(app.http(), "aiko", "Asia/Tokyo", 3).get("currentStreak").get("length").asInt()).isZero();
        var second = event(app.http(), "aiko", "Asia/Tokyo", 3).get("currentStreak");
        assertThat(second.get("length").asInt()).isEqualTo(1);
        assertThat(second.get("extended").asBoolean()).isTrue();
    }

    @Test
    void anEventStampedAfterMidnightAheadOfTheServersClockCountsForItsDay() {
        var app = app(null);
        // At 23:58 Tokyo by the server's clock, an event stamped 00:02 the next day (within the allowed skew): the
        // walk ends at the server's day, so the record of the event's day is stored without being walked.
        clock.set(Instant.parse("2025-04-01T14:58:00Z"));
        var r = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "ren", "tz", "Asia/Tokyo"),
                "value", 1, "timestamp", "2025-04-01T15:02:00Z"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("currentStreak").get("length").asInt()).isZero();
        // At 00:03 the server's clock has reached that day, and the event counts for it.
        clock.set(Instant.parse("2025-04-01T15:03:00Z"));
        assertThat(app.http().get("/v1/users/ren/streak").json().get("length").asInt()).isEqualTo(1);
        // The scheduler stored that decision when it fell due (at midnight), so rankings show the streak too.
        server.app.runBackgroundOnce();
        assertThat(app.http().get("/v1/streaks/rankings?type=active").json().findValuesAsText("userId"))
                .containsExactly("ren");
        assertThat(app.http().get("/v1/streaks/rankings?type=longest").json().findValuesAsText("userId"))
                .containsExactly("ren");
    }

    /**
     * An event starts from the streak the user's previous write on this node left (no read), also across a write
     * that leaves the streak as it was (a completion); a write of the streak that keeps nothing (a freeze granted)
     * makes the next event read it again. To tell memory from the store, the periods are deleted behind the back.
     */
    @Test
    void anEventStartsFromTheStreakThePreviousWriteLeftUnlessAStreakWriteCameBetween() {
        var app = app(Map.of("enabled", true, "initial", 0, "max", 2));
        assertThat(admin().put("/admin/v1/apps/" + app.id() + "/achievements/badge", Map.of("name", "Badge",
                "trigger", "api")).status()).isEqualTo(201);
        String forget = "DELETE FROM streak_periods WHERE app_id = '" + app.id() + "' AND user_id = 'lea'";
        event(app.http(), "lea", "UTC", 1);                                   // April 1: 1
        var done = app.http().post("/v1/achievements/badge/complete", Map.of("user", Map.of("id", "lea")));
        assertThat(done.status()).as(done.body()).isEqualTo(201);
        server.behindTheServersBack(forget);

        clock.advance(Duration.ofDays(1));
        assertThat(event(app.http(), "lea", "UTC", 1).get("currentStreak").get("length").asInt())
                .as("April 1 from memory, passed on by the completion").isEqualTo(2);

        var grant = app.http().post("/admin/v1/streaks/freezes", Map.of("freezes", List.of(Map.of("userId", "lea"))));
        assertThat(grant.status()).isEqualTo(201);
        server.behindTheServersBack(forget);
        clock.advance(Duration.ofDays(1));
        assertThat(event(app.http(), "lea", "UTC", 1).get("currentStreak").get("length").asInt())
                .as("read from the store after the grant: only April 3 is left").isEqualTo(1);
    }

    /** Puts the app's daily or weekly streak rules on "words" (≥ 1) with this freeze policy. */
    private void rules(TestServer.TestApp app, String frequency, Map<String, Object> freezes) {
        var put = admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", frequency,
                "metrics", List.of(Map.of("key", "words", "threshold", 1)), "freezes", freezes));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
    }

    @Test
    void switchingBackToAnEarlierFrequencyStartsANewRunAndKeepsTheFreezes() {
        Map<String, Object> freezes = Map.of("enabled", true, "initial", 2, "max", 3);
        var app = app(freezes);
        for (int day = 1; day <= 3; day++) {                        // daily: April 1, 2 and 3
            event(app.http(), "rio", "UTC", 1);
            clock.advance(Duration.ofHours(day < 3 ? 24 : 1));
        }
        rules(app, "weekly", freezes);
        event(app.http(), "rio", "UTC", 1);                         // a weekly run of 1, still on April 3
        clock.advance(Duration.ofDays(3));                          // April 6: nothing on April 4 and 5
        rules(app, "daily", freezes);
        var s = app.http().get("/v1/users/rio/streak").json();
        assertThat(s.get("length").asInt()).as("a new daily run, not April 1-3 again").isZero();
        assertThat(s.get("freezes").asInt()).as("no freeze spent on April 4 and 5").isEqualTo(2);
        assertThat(event(app.http(), "rio", "UTC", 1).get("currentStreak").get("length").asInt()).isEqualTo(1);
    }

    /**
     * A new first day of the week: the stored weeks no longer line up with the new ones, so, as with a new frequency,
     * a new run starts (here after four weeks, the first two settled past the late-event window).
     */
    @Test
    void aNewFirstDayOfTheWeekStartsANewWeeklyRunAsANewFrequencyDoes() {
        Map<String, Object> freezes = Map.of("enabled", true, "initial", 1, "max", 3);
        var app = app(freezes);
        rules(app, "weekly", freezes);                               // Monday weeks; April 1 2025 is a Tuesday
        for (int week = 1; week <= 4; week++) {                      // Tuesdays April 1, 8, 15 and 22
            assertThat(event(app.http(), "wes", "UTC", 1).get("currentStreak").get("length").asInt())
                    .isEqualTo(week);
            clock.advance(Duration.ofDays(week < 4 ? 7 : 0));
        }
        var put = admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", "weekly",
                "weekStart", "sunday", "metrics", List.of(Map.of("key", "words", "threshold", 1)), "freezes", freezes));
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        // Sunday weeks: a new run from the week of April 20-26 on; the freeze is kept, not spent on misaligned weeks.
        var s = app.http().get("/v1/users/wes/streak").json();
        assertThat(s.get("length").asInt()).isZero();
        assertThat(s.get("freezes").asInt()).isEqualTo(1);
        var again = event(app.http(), "wes", "UTC", 1).get("currentStreak");
        assertThat(again.get("length").asInt()).isEqualTo(1);
        assertThat(again.get("periodStart").asText()).isEqualTo("2025-04-20");
        clock.advance(Duration.ofDays(7));                           // Tuesday April 29, in the week of April 27
        var next = event(app.http(), "wes", "UTC", 1).get("currentStreak");
        assertThat(next.get("length").asInt()).isEqualTo(2);
        assertThat(next.get("freezes").asInt()).isEqualTo(1);
    }

    @Test
    void aFreezeSpentBeforeAFrequencySwitchStaysSpent() {
        Map<String, Object> freezes = Map.of("enabled", true, "initial", 1, "max", 3);
        var app = app(freezes);
        event(app.http(), "fia", "UTC", 1);                          // April 1
        clock.advance(Duration.ofDays(2));                           // April 3: the freeze covered April 2
        var s = event(app.http(), "fia", "UTC", 1).get("currentStreak");
        assertThat(s.get("length").asInt()).isEqualTo(2);
        assertThat(s.get("freezes").asInt()).isZero();
        rules(app, "weekly", freezes);
        assertThat(app.http().get("/v1/users/fia/streak").json().get("freezes").asInt())
                .as("none held before the switch").isZero();
        assertThat(event(app.http(), "fia", "UTC", 1).get("currentStreak").get("freezes").asInt()).isZero();
    }

    @Test
    void aRestoreLeavesTheFreezesSpentWhileTheStreakWasLostSpent() {
        var app = app(Map.of("enabled", true, "initial", 0, "max", 2));
        event(app.http(), "gus", "UTC", 1);
        var grant = app.http().post("/admin/v1/streaks/freezes", Map.of("freezes",
                List.of(Map.of("userId", "gus"), Map.of("userId", "gus"))));
        assertThat(grant.status()).isEqualTo(201);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "gus", "UTC", 1);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "gus", "UTC", 1);                          // April 3: 3 long, 2 freezes
        clock.advance(Duration.ofDays(4));                           // April 7: 4 and 5 took the freezes, 6 broke it
        var lost = app.http().get("/v1/users/gus/streak").json();
        assertThat(lost.get("length").asInt()).isZero();
        assertThat(lost.get("freezes").asInt()).isZero();
        var restore = app.http().post("/admin/v1/streaks/restore", Map.of("users", List.of(Map.of("id", "gus"))));
        assertThat(restore.status()).isEqualTo(201);
        var back = app.http().get("/v1/users/gus/streak").json();
        assertThat(back.get("length").asInt()).isEqualTo(3);
        assertThat(back.get("freezes").asInt()).as("both were spent on April 4 and 5").isZero();
    }

    @Test
    void autoEarnTurnedOnLaterAlsoEarnsForUsersWhoseStreakWasStored() {
        var app = app(Map.of("enabled", true, "initial", 0, "max", 3));
        event(app.http(), "ear", "UTC", 1);                          // April 1: stored without auto-earn
        rules(app, "daily", Map.of("enabled", true, "initial", 0, "max", 3, "autoEarnAmount", 1,
                "autoEarnIntervalDays", 7));
        event(app.http(), "new", "UTC", 1);                          // a user created the same day, stored after
        clock.advance(Duration.ofDays(8));                           // April 9
        assertThat(app.http().get("/v1/users/new/streak").json().get("freezes").asInt()).isEqualTo(1);
        assertThat(app.http().get("/v1/users/ear/streak").json().get("freezes").asInt())
                .as("created on April 1 too: earned on April 8").isEqualTo(1);
    }

    /**
     * The read takes the period records once, from whichever comes first: the periods after the settled one (the
     * walk's) or the shown ones (the history's). Here the history reaches back past the settled date.
     */
    @Test
    void historyShowsSettledPeriodsAsStoredAndLaterOnesAsWalked() {
        var app = app(null);
        // 03:00 UTC on April 1–5 and 7–12; April 6 is missed (no freezes), so the streak restarts on the 7th.
        twelveDaysButTheSixth(app, "hana", "UTC");   // now April 12, 03:00
        // The late-event window is 7 days: the event of April 12 settled the periods that ended before April 5.
        var long10 = app.http().get("/v1/users/hana/streak?historyPeriods=10").json();
        assertThat(long10.get("length").asInt()).isEqualTo(6);
        assertThat(long10.get("streakHistory").findValuesAsText("periodStart")).first().isEqualTo("2025-04-03");
        assertThat(long10.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(3, 4, 5, 0, 1, 2, 3, 4, 5, 6);
        var short3 = app.http().get("/v1/users/hana/streak?historyPeriods=3").json();
        assertThat(short3.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(4, 5, 6);
        assertThat(short3.get("rank").asInt()).isEqualTo(1);
        // The next day, before its event: today is still open, the streak is alive and history shows 6 for it.
        clock.advance(Duration.ofDays(1));
        var open = app.http().get("/v1/users/hana/streak?historyPeriods=2").json();
        assertThat(open.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(6, 6);
    }

    /** One event at 03:00 UTC on each of April 1 to 12 but the 6th; the clock ends on April 12, 03:00. */
    private void twelveDaysButTheSixth(TestServer.TestApp app, String user, String tz) {
        for (int day = 1; day <= 12; day++) {
            if (day != 6) {
                event(app.http(), user, tz, 1);
            }
            if (day < 12) {
                clock.advance(Duration.ofDays(1));
            }
        }
    }

    /**
     * The same in a zone a day behind UTC for part of each day: the read starts below the first shown period of any
     * zone before it knows the user's, so Honolulu's first shown day is still read from the store.
     */
    @Test
    void historyIsReadInTheUsersZoneWhenItsDayIsBehindUtcs() {
        var app = app(null);
        // 03:00 UTC is 17:00 the day before in Honolulu: events on the local days March 31 to April 4 and April 6
        // to 11; April 5 is missed.
        twelveDaysButTheSixth(app, "lani", "Pacific/Honolulu");   // April 12, 03:00 UTC: April 11, 17:00 there
        var read = app.http().get("/v1/users/lani/streak?historyPeriods=10").json();
        assertThat(read.get("streakHistory").findValuesAsText("periodStart"))
                .startsWith("2025-04-02").endsWith("2025-04-11");
        assertThat(read.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(3, 4, 5, 0, 1, 2, 3, 4, 5, 6);
    }

    /** A switch of frequency starts a new run under the new one; the longest streak stays in the rankings. */
    @Test
    void aNewFrequencyStartsANewRunAndKeepsTheLongest() {
        var app = app(null);
        for (int day = 1; day <= 3; day++) {           // daily: April 1, 2 and 3 at 03:00 UTC
            event(app.http(), "sora", "UTC", 1);
            clock.advance(Duration.ofDays(1));
        }
        clock.advance(Duration.ofDays(-1));            // April 3 (a Thursday), 03:00
        assertThat(app.http().get("/v1/users/sora/streak").json().get("length").asInt()).isEqualTo(3);
        var put = admin().put("/admin/v1/apps/" + app.id() + "/streak", Map.of("frequency", "weekly",
                "metrics", List.of(Map.of("key", "words", "threshold", 1))));
        assertThat(put.status()).as(put.body()).isEqualTo(200);

        var weekly = event(app.http(), "sora", "UTC", 1).get("currentStreak");
        assertThat(weekly.get("frequency").asText()).isEqualTo("weekly");
        assertThat(weekly.get("length").asInt()).isEqualTo(1);
        assertThat(weekly.get("periodStart").asText()).isEqualTo("2025-03-31");
        assertThat(weekly.get("periodEnd").asText()).isEqualTo("2025-04-06");
        clock.advance(Duration.ofDays(7));             // the next week's Thursday
        assertThat(event(app.http(), "sora", "UTC", 1).get("currentStreak").get("length").asInt()).isEqualTo(2);
        var read = app.http().get("/v1/users/sora/streak?historyPeriods=3").json();
        assertThat(read.get("streakHistory").findValuesAsText("periodStart"))
                .containsExactly("2025-03-24", "2025-03-31", "2025-04-07");
        assertThat(read.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(0, 1, 2);
        var longest = app.http().get("/v1/streaks/rankings?type=longest").json();
        assertThat(longest.get(0).get("userId").asText()).isEqualTo("sora");
        assertThat(longest.get(0).get("streakLength").asInt()).isEqualTo(3);
    }

    @Test
    void aUserWhoseRefreshFailsDoesNotHoldUpTheSchedulerForTheOthers() {
        var app = app(null);
        event(app.http(), "broken", "UTC", 1);
        event(app.http(), "fine", "UTC", 1);
        // broken's row is one the code cannot read, and it is due first.
        String row = "app_id = '" + app.id() + "' AND user_id = 'broken'";
        server.behindTheServersBack("UPDATE streaks SET state = '[]', next_check_at = 1 WHERE " + row);
        clock.advance(Duration.ofDays(3));                           // fine's streak is lost
        try {
            server.app.runBackgroundOnce();
            assertThat(app.http().get("/v1/streaks/rankings?type=active").json().findValuesAsText("userId"))
                    .as("fine's loss was stored").doesNotContain("fine");
        } finally {
            server.behindTheServersBack("DELETE FROM streaks WHERE " + row);
        }
    }

    @Test
    void aUserWhoDoesNothingShowsZeroAfterTheBrokenDayAndTheSchedulerStoresIt() {
        var app = app(null);
        event(app.http(), "idle", "Europe/London", 1);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "idle", "Europe/London", 1);
        assertThat(app.http().get("/v1/users/idle/streak").json().get("length").asInt()).isEqualTo(2);
        // The whole next London day passes without an event.
        clock.advance(Duration.ofDays(2));
        var lost = app.http().get("/v1/users/idle/streak").json();
        assertThat(lost.get("length").asInt()).isZero();
        assertThat(lost.get("started").isNull()).isTrue();
        assertThat(lost.get("rank").isNull()).isTrue();
        server.app.runBackgroundOnce();
        var rankings = app.http().get("/v1/streaks/rankings?type=active").json();
        assertThat(rankings.findValuesAsText("userId")).doesNotContain("idle");
        var longest = app.http().get("/v1/streaks/rankings?type=longest").json();
        assertThat(longest.get(0).get("userId").asText()).isEqualTo("idle");
        assertThat(longest.get(0).get("streakLength").asInt()).isEqualTo(2);
    }

    @Test
    void aFreezeIsConsumedOnTimeAndShownInHistory() {
        var app = app(Map.of("enabled", true, "initial", 1, "max", 2));
        var e = event(app.http(), "fz", "Europe/London", 1).get("currentStreak");
        assertThat(e.get("freezes").asInt()).isEqualTo(1);
        assertThat(e.get("maxFreezes").asInt()).isEqualTo(2);
        clock.advance(Duration.ofDays(2));   // 2 April missed; the freeze covers it at midnight
        var s = app.http().get("/v1/users/fz/streak?historyPeriods=3").json();
        assertThat(s.get("length").asInt()).isEqualTo(1);
        assertThat(s.get("freezes").asInt()).isZero();
        JsonNode history = s.get("streakHistory");
        assertThat(history.get(1).get("periodStart").asText()).isEqualTo("2025-04-02");
        assertThat(history.get(1).get("usedFreeze").asBoolean()).isTrue();
        assertThat(history.get(0).get("usedFreeze").asBoolean()).isFalse();
        assertThat(event(app.http(), "fz", "Europe/London", 1).get("currentStreak").get("length").asInt())
                .isEqualTo(2);
    }

    @Test
    void lateEventsRepairTheirPeriodAndEventsOutsideTheWindowAreRefused() {
        var app = app(null);
        event(app.http(), "late", "UTC", 1);                          // 1 April
        clock.advance(Duration.ofDays(2));
        assertThat(event(app.http(), "late", "UTC", 1).get("currentStreak").get("length").asInt()).isEqualTo(1);
        var backfill = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "late"), "value", 1,
                "timestamp", "2025-04-02T18:00:00Z"));
        assertThat(backfill.status()).isEqualTo(201);
        assertThat(backfill.json().get("currentStreak").get("length").asInt()).isEqualTo(3);

        var tooOld = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "late"), "value", 1,
                "timestamp", "2025-03-01T00:00:00Z"));
        assertThat(tooOld.status()).isEqualTo(422);
        assertThat(tooOld.json().get("error").asText()).contains("late-event window");
        var future = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "late"), "value", 1,
                "timestamp", "2025-04-05T00:00:00Z"));
        assertThat(future.status()).isEqualTo(422);
        assertThat(future.json().get("error").asText()).contains("future");
        var garbage = app.http().post("/v1/metrics/words/event", Map.of("user", Map.of("id", "late"), "value", 1,
                "timestamp", "yesterday"));
        assertThat(garbage.status()).isEqualTo(400);
    }

    @Test
    void aLongerStreakStopsCountingInTheRankWhenItExpires() {
        var app = app(null);
        for (int day = 0; day < 3; day++) {          // amy: April 1, 2 and 3 (UTC), alive through April 4
            event(app.http(), "amy", "UTC", 1);
            clock.advance(Duration.ofDays(1));
        }
        event(app.http(), "cat", "UTC", 1);           // cat: April 4 at 03:00, amy's 3 is still alive
        assertThat(app.http().get("/v1/users/cat/streak").json().get("rank").asInt()).isEqualTo(2);
        clock.advance(Duration.ofDays(1));           // April 5 at 03:00: amy missed April 4, cat is alive today
        var cat = app.http().get("/v1/users/cat/streak").json();
        assertThat(cat.get("length").asInt()).isEqualTo(1);
        assertThat(cat.get("rank").asInt()).isEqualTo(1);
        assertThat(app.http().get("/v1/users/amy/streak").json().get("rank").isNull()).isTrue();
    }

    /**
     * A streak read keeps the user's rows in memory until a write of that user, and the app's lengths for ranks for
     * at most a second: changes made behind the server's back (as another node would, but unannounced) show only
     * then. The same holds across nodes (MultiNodeTest), where the changes are announced.
     */
    @Test
    void aStreakReadIsServedFromMemoryUntilTheUsersNextWriteAndRanksForAtMostASecond() throws Exception {
        var app = app(null);
        event(app.http(), "kenji", "UTC", 1);
        clock.advance(Duration.ofDays(1));                     // April 2 at 03:00 UTC
        event(app.http(), "kenji", "UTC", 1);
        server.awaitCacheTrusted();
        long firstRead = System.nanoTime();                    // the lengths are read now (kenji's event was since)
        var first = app.http().get("/v1/users/kenji/streak?historyPeriods=2").json();
        assertThat(first.get("length").asInt()).isEqualTo(2);
        assertThat(first.get("rank").asInt()).isEqualTo(1);
        assertThat(first.get("streakHistory").findValuesAsText("periodStart"))
                .containsExactly("2025-04-01", "2025-04-02");

        // Behind the server's back: kenji now lives in Los Angeles (still April 1 there), and a 50-day streak exists.
        server.behindTheServersBack("UPDATE users SET tz = 'America/Los_Angeles' WHERE app_id = '" + app.id()
                + "' AND user_id = 'kenji'", "INSERT INTO streak_lengths (app_id, length, slot, users) VALUES ('"
                + app.id() + "', 50, 0, 1)");
        var cached = app.http().get("/v1/users/kenji/streak?historyPeriods=2").json();
        assertThat(System.nanoTime() - firstRead).as("read within the second").isLessThan(1_000_000_000L);
        assertThat(cached.get("streakHistory").findValuesAsText("periodStart")).as("kenji's rows from memory")
                .containsExactly("2025-04-01", "2025-04-02");
        assertThat(cached.get("rank").asInt()).as("the lengths from memory").isEqualTo(1);

        Thread.sleep(1_050);
        var later = app.http().get("/v1/users/kenji/streak?historyPeriods=2").json();
        assertThat(later.get("rank").asInt()).as("the lengths read again after a second").isEqualTo(2);
        assertThat(later.get("streakHistory").findValuesAsText("periodStart")).as("no write of kenji yet")
                .containsExactly("2025-04-01", "2025-04-02");

        var patched = app.http().patch("/v1/users/kenji", Map.of("name", "Kenji"));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(app.http().get("/v1/users/kenji/streak?historyPeriods=2").json().get("streakHistory")
                .findValuesAsText("periodStart")).as("read again after kenji's write: his day in Los Angeles")
                .containsExactly("2025-03-31", "2025-04-01");
    }

    /**
     * Rows kept for a short history do not serve a longer one when they start too late: here the settled date (April
     * 4, the late-event window behind) and the short history's floor are both after the long history's first period.
     */
    @Test
    void aLongerHistoryIsReadAgainWhenTheKeptRowsStartTooLate() {
        var app = app(null);
        twelveDaysButTheSixth(app, "ida", "UTC");     // now April 12, 03:00
        var short3 = app.http().get("/v1/users/ida/streak?historyPeriods=3").json();
        assertThat(short3.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .containsExactly(4, 5, 6);

        var long10 = app.http().get("/v1/users/ida/streak?historyPeriods=10").json();
        assertThat(long10.get("streakHistory").findValues("length").stream().map(JsonNode::asInt).toList())
                .as("April 3 and 4 are before what the short read kept").containsExactly(3, 4, 5, 0, 1, 2, 3, 4, 5, 6);
        assertThat(app.http().get("/v1/users/ida/streak?historyPeriods=3").json().get("streakHistory")
                .findValues("length").stream().map(JsonNode::asInt).toList())
                .as("and the longer rows serve the shorter").containsExactly(4, 5, 6);
    }

    /** A streak of this node's own user changes its rank at once, however recently the lengths were read. */
    @Test
    void aRankFollowsThisNodesOwnEventsAtOnce() {
        var app = app(null);
        event(app.http(), "amy", "UTC", 1);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "amy", "UTC", 1);                     // amy: 2
        event(app.http(), "bob", "UTC", 1);                     // bob: 1
        assertThat(app.http().get("/v1/users/bob/streak").json().get("rank").asInt()).isEqualTo(2);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "bob", "UTC", 1);                     // bob: 2, amy's 2 is still alive today
        assertThat(app.http().get("/v1/users/bob/streak").json().get("rank").asInt()).isEqualTo(1);
        event(app.http(), "amy", "UTC", 1);                     // amy: 3
        assertThat(app.http().get("/v1/users/bob/streak").json().get("rank").asInt()).isEqualTo(2);
        assertThat(app.http().get("/v1/users/amy/streak").json().get("rank").asInt()).isEqualTo(1);
    }

    @Test
    void rankingsOrderByLengthAndTiesShareARank() {
        var app = app(null);
        for (int day = 0; day < 3; day++) {
            event(app.http(), "amy", "UTC", 1);
            event(app.http(), "bob", "UTC", 1);
            if (day == 2) {
                event(app.http(), "cat", "UTC", 1);
            }
            clock.advance(Duration.ofDays(1));
        }
        clock.advance(Duration.ofHours(-1));   // the next day, before anyone's event: the streaks are still alive
        var active = app.http().get("/v1/streaks/rankings?type=active&limit=10").json();
        assertThat(active.findValuesAsText("userId")).containsExactly("amy", "bob", "cat");
        assertThat(active.findValues("streakLength").stream().map(JsonNode::asInt).toList()).containsExactly(3, 3, 1);
        assertThat(app.http().get("/v1/users/amy/streak").json().get("rank").asInt()).isEqualTo(1);
        assertThat(app.http().get("/v1/users/bob/streak").json().get("rank").asInt()).isEqualTo(1);
        assertThat(app.http().get("/v1/users/cat/streak").json().get("rank").asInt()).isEqualTo(3);
        assertThat(app.http().get("/v1/streaks/rankings?limit=1").json()).hasSize(1);
        assertThat(app.http().get("/v1/streaks/rankings?type=best").status()).isEqualTo(422);

        var bulk = app.http().get("/v1/streaks?userIds=cat&userIds=amy&userIds=nobody").json();
        assertThat(bulk.findValuesAsText("userId")).containsExactly("amy", "cat");
        assertThat(bulk.get(0).get("streakLength").asInt()).isEqualTo(3);
        assertThat(bulk.get(0).get("extended").asText()).startsWith("2025-04-03T");
    }

    @Test
    void adminGrantsFreezesUpToTheMaximumAndRestoresLostStreaks() {
        var app = app(Map.of("enabled", true, "initial", 0, "max", 2));
        event(app.http(), "gus", "UTC", 1);
        var grant = app.http().post("/admin/v1/streaks/freezes", Map.of("freezes",
                List.of(Map.of("userId", "gus"), Map.of("userId", "gus"), Map.of("userId", "gus"),
                        Map.of("userId", "ghost"))));
        assertThat(grant.status()).isEqualTo(201);
        JsonNode issues = grant.json().get("issues");
        assertThat(issues).hasSize(2);
        assertThat(issues.findValuesAsText("level")).containsExactlyInAnyOrder("warning", "error");
        assertThat(app.http().get("/v1/users/gus/streak").json().get("freezes").asInt()).isEqualTo(2);

        // Build 3 days, then lose it (freezes used up), then restore.
        clock.advance(Duration.ofDays(1));
        event(app.http(), "gus", "UTC", 1);
        clock.advance(Duration.ofDays(1));
        event(app.http(), "gus", "UTC", 1);
        clock.advance(Duration.ofDays(4));
        assertThat(app.http().get("/v1/users/gus/streak").json().get("length").asInt()).isZero();
        var restore = app.http().post("/admin/v1/streaks/restore", Map.of("users",
                List.of(Map.of("id", "gus"), Map.of("id", "ghost"))));
        assertThat(restore.status()).isEqualTo(201);
        assertThat(restore.json().get("restoredUsers")).hasSize(1);
        assertThat(restore.json().get("restoredUsers").get(0).asText()).isEqualTo("gus");
        assertThat(restore.json().get("issues").get(0).get("userId").asText()).isEqualTo("ghost");
        assertThat(app.http().get("/v1/users/gus/streak").json().get("length").asInt()).isEqualTo(3);
        assertThat(event(app.http(), "gus", "UTC", 1).get("currentStreak").get("length").asInt()).isEqualTo(4);
    }

    @Test
    void aStreakAchievementUnlocksInTheResponseOfTheEventThatReachedIt() {
        var app = app(null);
        var put = admin().put("/admin/v1/apps/" + app.id() + "/achievements/two-days", Map.of("name", "Two days",
                "trigger", "streak", "streakLength", 2));
        assertThat(put.status()).isEqualTo(201);
        assertThat(event(app.http(), "sia", "UTC", 1).get("achievements")).isEmpty();
        clock.advance(Duration.ofDays(1));
        JsonNode second = event(app.http(), "sia", "UTC", 1);
        assertThat(second.get("achievements").findValuesAsText("key")).containsExactly("two-days");
        assertThat(second.get("achievements").get(0).get("streakLength").asInt()).isEqualTo(2);
        assertThat(event(app.http(), "sia", "UTC", 1).get("achievements")).isEmpty();
    }
}
