package io.accolade.api.trophy;

import static io.accolade.api.trophy.Setup.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.accolade.support.ServerTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 3: the official Trophy SDK ({@code @trophyso/node} 1.0.42, pinned in src/test/node/trophy-sdk) against the
 * real server. The SDK validates every response against its own schemas, so a wrong field name, a missing required
 * field or a wrong status shows up here as a thrown error. Needs Node.js and npm: without them the test fails (it is
 * never skipped), and the first run installs the locked dependencies with {@code npm ci}.
 */
class TrophySdkTest extends ServerTest {
    private static final Path PROJECT = Path.of(System.getProperty("basedir", "."))
            .resolve("src/test/node/trophy-sdk").toAbsolutePath().normalize();

    /** Output and exit code of a finished process. */
    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run '" + command.getFirst() + "': TrophySdkTest needs Node.js (18 or "
                    + "newer) and npm on the PATH. Install them (e.g. apt-get install nodejs npm) and run again. ("
                    + e.getMessage() + ")", e);
        }
        try {
            // Read while it runs, so that a chatty process never blocks on a full pipe.
            var out = new java.io.ByteArrayOutputStream();
            Thread pump = Thread.ofVirtual().start(() -> {
                try (var in = p.getInputStream()) {
                    in.transferTo(out);
                } catch (IOException ignored) {
                    // the process died; its exit code tells
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s; output so far:\n" + out.toString(StandardCharsets.UTF_8));
            }
            pump.join(5_000);
            return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** npm ci once per checkout (the lock file pins the SDK and every transitive dependency). */
    private static synchronized void installSdk() {
        assertThat(PROJECT.resolve("package-lock.json")).as("the committed lock file").exists();
        Run node = run(List.of("node", "--version"), 30);
        assertThat(node.exitCode()).as("node --version: %s", node.output()).isZero();
        if (Files.isDirectory(PROJECT.resolve("node_modules/@trophyso/node"))) {
            return;
        }
        Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        assertThat(npm.exitCode()).as("npm ci in %s failed:\n%s", PROJECT, npm.output()).isZero();
    }

    @Test
    void theOfficialSdkWorksAgainstTheServer() {
        installSdk();
        var app = newApp();
        var s = new Setup(admin(), app);
        s.metric("words", "Words written");
        s.metricAchievement("novice", "words", 500);
        s.api("onboarded");
        s.achievement("pro-only", obj("name", "Pro only", "trigger", "api", "userAttributes",
                List.of(obj("key", "plan", "value", "pro"))));
        s.achievement("three-days", obj("name", "Three days", "trigger", "streak", "streakLength", 3));
        s.composite("all-round", "novice", "onboarded");
        assertThat(admin().put("/admin/v1/apps/" + app.id() + "/streak", obj("frequency", "daily",
                "metrics", List.of(obj("key", "words", "threshold", 1)),
                "freezes", obj("enabled", true, "initial", 1, "max", 3))).status()).isEqualTo(200);

        List<String> command = new ArrayList<>(List.of("node", "sdk-check.mjs", http().base(), app.apiKey()));
        Run check = run(command, 120);
        assertThat(check.exitCode()).as("node sdk-check.mjs failed:\n%s", check.output()).isZero();
        assertThat(check.output()).contains("sdk-check: all checks passed");

        // What the SDK did is visible to any other client.
        JsonNode ann = Setup.ok(app.http().get("/v1/users/sdk-ann"));
        assertThat(ann.get("name").asText()).isEqualTo("Ann B");
        assertThat(ann.get("tz").asText()).isEqualTo("Asia/Tokyo");
        assertThat(ann.get("attributes").get("city").asText()).isEqualTo("london");
        assertThat(Setup.ok(app.http().get("/v1/users/sdk-bob")).get("tz").asText()).isEqualTo("UTC");
        assertThat(Setup.ok(app.http().get("/v1/users/sdk-ann/metrics/words")).get("current").asDouble())
                .as("300 + 200 (the replay not counted) - 0.5").isEqualTo(499.5);
        assertThat(Setup.ok(app.http().get("/v1/users/sdk-ann/achievements")))
                .extracting(a -> a.get("key").asText()).containsExactly("novice", "onboarded", "all-round");
        assertThat(Setup.ok(app.http().get("/v1/achievements")))
                .filteredOn(a -> a.get("key").asText().equals("onboarded"))
                .singleElement().satisfies(a -> assertThat(a.get("completions").asLong()).isEqualTo(1));
        assertThat(app.http().get("/v1/users/sdk-nobody").status()).as("failed calls created nothing").isEqualTo(404);
    }
}
