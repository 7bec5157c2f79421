// Drives an Accolade server with Trophy's official Node SDK (@trophyso/node 1.0.42, pinned in package.json) and
// checks what the SDK returns. Run by io.accolade.api.trophy.TrophySdkTest, which defines beforehand:
//   metric  "words" (name "Words written")
//   metric achievement "novice" (words >= 500), api achievements "onboarded" and "pro-only" (user filter plan=pro),
//   streak achievement "three-days" (length 3), composite "all-round" (novice + onboarded).
//
// Usage: node sdk-check.mjs <baseUrl> <apiKey>. Exit code 0 when every check holds; prints the results as JSON.
import trophySdk from "@trophyso/node";

const { TrophyApiClient, TrophyApi, TrophyApiError } = trophySdk;

const [base, apiKey] = process.argv.slice(2);
if (!base || !apiKey) {
    console.error("usage: node sdk-check.mjs <baseUrl> <apiKey>");
    process.exit(2);
}

const trophy = new TrophyApiClient({ apiKey, environment: { api: `${base}/v1`, admin: `${base}/admin/v1` } });
const results = {};

function fail(message, actual) {
    throw new Error(`${message}; got ${JSON.stringify(actual)}`);
}

/** JSON with object members sorted by name: member order carries no meaning. */
function canonical(v) {
    return JSON.stringify(v, (k, x) => (x && typeof x === "object" && !Array.isArray(x) && !(x instanceof Date)
        ? Object.fromEntries(Object.keys(x).sort().map((n) => [n, x[n]])) : x));
}

function eq(actual, expected, what) {
    if (canonical(actual) !== canonical(expected)) {
        fail(`${what}: expected ${JSON.stringify(expected)}`, actual);
    }
}

function ok(condition, what, actual) {
    if (!condition) {
        fail(what, actual);
    }
}

function isDate(d) {
    return d instanceof Date && !Number.isNaN(d.getTime());
}

function keys(list) {
    return list.map((a) => a.key);
}

/** Runs a call that must fail with the given SDK error class and status code; returns the error's body. */
async function expectError(label, call, errorClass, statusCode) {
    try {
        const value = await call();
        fail(`${label}: expected ${errorClass.name} (${statusCode})`, value);
    } catch (e) {
        ok(e instanceof errorClass, `${label}: expected ${errorClass.name}, got ${e && e.constructor && e.constructor.name}: ${e && e.message}`, e && e.body);
        eq(e.statusCode, statusCode, `${label}: statusCode`);
        results[label] = { error: e.constructor.name, statusCode: e.statusCode, body: e.body };
        return e.body;
    }
}

// ---- users --------------------------------------------------------------------------------------------------------

const created = await trophy.users.create({
    id: "sdk-ann",
    email: "ann@example.com",
    name: "Ann",
    tz: "Europe/London",
    deviceTokens: ["tok-1"],
    subscribeToEmails: true,
    attributes: { plan: "pro" },
});
results.created = created;
eq(created.id, "sdk-ann", "users.create id");
eq(created.email, "ann@example.com", "users.create email");
eq(created.tz, "Europe/London", "users.create tz");
eq(created.deviceTokens, ["tok-1"], "users.create deviceTokens");
eq(created.subscribeToEmails, true, "users.create subscribeToEmails");
eq(created.attributes, { plan: "pro" }, "users.create attributes");
eq(created.control, false, "users.create control");
ok(isDate(created.created) && isDate(created.updated), "users.create created/updated are dates", created);

const identified = await trophy.users.identify("sdk-ann", { name: "Ann B", attributes: { city: "london" } });
results.identified = identified;
eq(identified.name, "Ann B", "users.identify name");
eq(identified.email, "ann@example.com", "users.identify keeps email");
eq(identified.attributes, { plan: "pro", city: "london" }, "users.identify merges attributes");

const bob = await trophy.users.identify("sdk-bob", { tz: "UTC" });
results.identifiedNew = bob;
eq(bob.id, "sdk-bob", "users.identify creates an unknown user");

const fetched = await trophy.users.get("sdk-ann");
results.fetched = fetched;
eq(fetched.name, "Ann B", "users.get name");

const updated = await trophy.users.update("sdk-ann", { tz: "Asia/Tokyo" });
results.updated = updated;
eq(updated.tz, "Asia/Tokyo", "users.update tz");
eq(updated.name, "Ann B", "users.update keeps name");

await expectError("users.update unknown", () => trophy.users.update("sdk-nobody", { name: "x" }),
    TrophyApi.NotFoundError, 404);
// GET /users/{id} maps no 404 in SDK 1.0.42: a generic TrophyApiError.
await expectError("users.get unknown", () => trophy.users.get("sdk-nobody"), TrophyApiError, 404);
await expectError("users.identify bad tz", () => trophy.users.identify("sdk-ann", { tz: "Mars/Base" }),
    TrophyApi.BadRequestError, 400);

// ---- metric events ------------------------------------------------------------------------------------------------

const first = await trophy.metrics.event("words", {
    user: { id: "sdk-ann" },
    value: 300,
    attributes: { source: "web" },
});
results.firstEvent = first;
eq(first.total, 300, "metrics.event total");
eq(first.achievements, [], "metrics.event achievements below the threshold");
ok(typeof first.eventId === "string" && first.eventId.length > 0, "metrics.event eventId", first);
ok(typeof first.metricId === "string" && first.metricId.length > 0, "metrics.event metricId", first);
ok(typeof first.currentStreak.length === "number", "metrics.event currentStreak.length", first.currentStreak);
ok(typeof first.currentStreak.extended === "boolean", "metrics.event currentStreak.extended", first.currentStreak);
eq(first.points, {}, "metrics.event points");
eq(first.leaderboards, {}, "metrics.event leaderboards");
eq(first.idempotencyKey, undefined, "metrics.event without a key has no idempotencyKey");

const keyed = await trophy.metrics.event("words", { idempotencyKey: "sdk-key-1", user: { id: "sdk-ann" }, value: 200 });
results.keyedEvent = keyed;
eq(keyed.total, 500, "keyed event total");
eq(keyed.idempotencyKey, "sdk-key-1", "keyed event idempotencyKey");
eq(keyed.idempotentReplayed, false, "keyed event idempotentReplayed");
eq(keys(keyed.achievements), ["novice"], "keyed event completes novice");
ok(isDate(keyed.achievements[0].achievedAt), "novice achievedAt is a date", keyed.achievements[0]);
eq(keyed.achievements[0].metricValue, 500, "novice metricValue");
eq(keyed.achievements[0].metricName, "Words written", "novice metricName");
eq(keyed.achievements[0].metricId, keyed.metricId, "novice metricId");

const replay = await trophy.metrics.event("words", { idempotencyKey: "sdk-key-1", user: { id: "sdk-ann" }, value: 200 });
results.replayedEvent = replay;
eq(replay.idempotentReplayed, true, "replay idempotentReplayed");
eq(replay.total, 500, "replay leaves the total");
eq(replay.eventId, keyed.eventId, "replay names the original event");
eq(replay.achievements, [], "replay completes nothing");

const decimal = await trophy.metrics.event("words", { user: { id: "sdk-ann" }, value: -0.5 });
results.decimalEvent = decimal;
eq(decimal.total, 499.5, "negative decimal event total");

await expectError("metrics.event unknown metric", () => trophy.metrics.event("ghost", { user: { id: "sdk-ann" }, value: 1 }),
    TrophyApiError, 404);
await expectError("metrics.event bad user tz",
    () => trophy.metrics.event("words", { user: { id: "sdk-ann", tz: "Mars/Base" }, value: 1 }),
    TrophyApi.BadRequestError, 400);

// ---- completions --------------------------------------------------------------------------------------------------

const completion = await trophy.achievements.complete("onboarded", { user: { id: "sdk-ann" } });
results.completion = completion;
ok(typeof completion.completionId === "string" && completion.completionId.length > 0, "completionId", completion);
eq(completion.achievement.key, "onboarded", "completion achievement key");
eq(completion.achievement.trigger, "api", "completion achievement trigger");
ok(isDate(completion.achievement.achievedAt), "completion achievedAt is a date", completion.achievement);
eq(completion.points, {}, "completion points");

const again = await trophy.achievements.complete("onboarded", { user: { id: "sdk-ann" } });
results.completionAgain = again;
eq(again.completionId, completion.completionId, "completing again returns the same completion");
eq(again.achievement.achievedAt.getTime(), completion.achievement.achievedAt.getTime(), "completing again keeps achievedAt");

await expectError("achievements.complete unknown", () => trophy.achievements.complete("ghost", { user: { id: "sdk-ann" } }),
    TrophyApi.NotFoundError, 404);
await expectError("achievements.complete non-api", () => trophy.achievements.complete("novice", { user: { id: "sdk-ann" } }),
    TrophyApi.UnprocessableEntityError, 422);

// ---- reads --------------------------------------------------------------------------------------------------------

const all = await trophy.achievements.all();
results.all = all;
eq(keys(all), ["novice", "onboarded", "pro-only", "three-days", "all-round"], "achievements.all keys");
const byKey = Object.fromEntries(all.map((a) => [a.key, a]));
eq(byKey.onboarded.completions, 1, "onboarded completions");
eq(byKey.onboarded.rarity, 50, "onboarded rarity (1 of 2 users)");
eq(byKey["all-round"].completions, 1, "composite completed through the chain");
eq(byKey["pro-only"].completions, 0, "pro-only completions");
eq(byKey["three-days"].streakLength, 3, "streak achievement streakLength");

const free = await trophy.achievements.all({ userAttributes: "plan:free" });
results.allForFree = free;
eq(keys(free).includes("pro-only"), false, "userAttributes=plan:free hides pro-only");
const pro = await trophy.achievements.all({ userAttributes: "plan:pro,city:london" });
eq(keys(pro).includes("pro-only"), true, "userAttributes=plan:pro,city:london shows pro-only");

const mine = await trophy.users.achievements("sdk-ann");
results.userAchievements = mine;
eq(keys(mine), ["novice", "onboarded", "all-round"], "users.achievements completed only");
ok(mine.every((a) => isDate(a.achievedAt)), "completed achievements have achievedAt", mine);

const everything = await trophy.users.achievements("sdk-ann", { includeIncomplete: "true" });
results.userAchievementsAll = everything;
eq(keys(everything), ["novice", "onboarded", "pro-only", "three-days", "all-round"], "includeIncomplete keys");
const incomplete = everything.filter((a) => a.achievedAt === undefined).map((a) => a.key);
eq(incomplete, ["pro-only", "three-days"], "incomplete achievements have no achievedAt");

const metrics = await trophy.users.allMetrics("sdk-ann");
results.allMetrics = metrics;
eq(metrics.map((m) => m.key), ["words"], "users.allMetrics keys");
eq(metrics[0].current, 499.5, "users.allMetrics current");
eq(metrics[0].status, "active", "users.allMetrics status");
eq(keys(metrics[0].achievements), ["novice"], "users.allMetrics achievements");
ok(isDate(metrics[0].achievements[0].achievedAt), "users.allMetrics novice achievedAt", metrics[0].achievements[0]);

const single = await trophy.users.singleMetric("sdk-ann", "words");
results.singleMetric = single;
eq(single.current, 499.5, "users.singleMetric current");

// ---- preferences and event summary ---------------------------------------------------------------------------------

const prefs0 = await trophy.users.getPreferences("sdk-ann");
eq(prefs0.notifications, {}, "users.getPreferences starts empty");
const prefs = await trophy.users.updatePreferences("sdk-ann", {
    notifications: { achievementCompleted: ["email", "push"], streakReminder: [] },
});
results.preferences = prefs;
eq(prefs.notifications.achievementCompleted, ["email", "push"], "updatePreferences achievementCompleted (wire achievement_completed)");
eq(prefs.notifications.streakReminder, [], "updatePreferences streakReminder disabled");
eq((await trophy.users.getPreferences("sdk-ann")).notifications.achievementCompleted, ["email", "push"],
    "getPreferences reads back");

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const summary = await trophy.users.metricEventSummary("sdk-ann", "words",
    { aggregation: "daily", startDate: day(-2), endDate: day(2) });
results.eventSummary = summary;
eq(summary.length, 5, "metricEventSummary: one item per day");
eq(summary[summary.length - 1].total, 499.5, "metricEventSummary: total at the end");
eq(summary.reduce((a, x) => a + x.change, 0), 499.5, "metricEventSummary: the changes add up");

// ---- streaks (daily on "words", freezes: 1 initial, max 3, set up by the test) ----------------------------------

const streak = await trophy.users.streak("sdk-ann", { historyPeriods: 3 });
results.streak = streak;
eq(streak.length, 1, "users.streak length after today's events");
eq(streak.frequency, "daily", "users.streak frequency");
ok(typeof streak.started === "string" && streak.started === streak.periodStart, "users.streak started today", streak);
eq(streak.streakHistory.length, 3, "users.streak historyPeriods=3");
eq(streak.streakHistory[2].length, 1, "users.streak history ends with today");
eq(streak.rank, 1, "users.streak rank");
eq(streak.freezes, 1, "users.streak freezes (initial grant)");
eq(streak.maxFreezes, 3, "users.streak maxFreezes");

const list = await trophy.streaks.list({ userIds: ["sdk-bob", "sdk-ann"] });
results.streaks = list;
eq(list.map((x) => x.userId), ["sdk-ann", "sdk-bob"], "streaks.list ranked longest first");
eq(list[0].streakLength, 1, "streaks.list ann");
ok(typeof list[0].extended === "string", "streaks.list extended timestamp", list[0]);

const rankings = await trophy.streaks.rankings({ type: "active", limit: 5 });
results.rankings = rankings;
eq(rankings.map((x) => x.userId), ["sdk-ann"], "streaks.rankings active");
eq(rankings[0].streakLength, 1, "streaks.rankings length");
const longest = await trophy.streaks.rankings({ type: "longest", limit: 1 });
eq(longest.map((x) => x.userId), ["sdk-ann"], "streaks.rankings longest");

const granted = await trophy.admin.streaks.freezes.create({ freezes: [{ userId: "sdk-ann" }, { userId: "sdk-nobody" }] });
results.freezes = granted;
eq(granted.issues.map((i) => [i.userId, i.level]), [["sdk-nobody", "error"]], "admin.streaks.freezes.create issues");
eq((await trophy.users.streak("sdk-ann")).freezes, 2, "a granted freeze is held");

const restored = await trophy.admin.streaks.restore({ users: [{ id: "sdk-nobody" }] });
results.restore = restored;
eq(restored.restoredUsers, [], "admin.streaks.restore restoredUsers");
eq(restored.issues.map((i) => [i.userId, i.level]), [["sdk-nobody", "error"]], "admin.streaks.restore issues");

// ---- credentials --------------------------------------------------------------------------------------------------

const stranger = new TrophyApiClient({ apiKey: "wrongkey.wrongwrongwrong", environment: { api: `${base}/v1`, admin: `${base}/admin/v1` } });
await expectError("wrong key", () => stranger.users.get("sdk-ann"), TrophyApi.UnauthorizedError, 401);

console.log(JSON.stringify(results, null, 2));
console.log("sdk-check: all checks passed");
