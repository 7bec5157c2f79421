package io.accolade.api.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.accolade.support.ServerTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 2, point 4: apps and keys through {@code /admin/v1}. */
class AppsApiTest extends ServerTest {

    @Test
    void createsAnAppAndShowsItsKeyOnlyOnce() {
        var created = admin().post("/admin/v1/apps", Map.of("id", "shop-1", "name", "Shop"));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("id").asText()).isEqualTo("shop-1");
        assertThat(created.json().get("name").asText()).isEqualTo("Shop");
        String key = created.json().get("apiKey").asText();
        assertThat(key).matches("[A-Za-z0-9]{8}\\.[A-Za-z0-9]{40}");

        var one = admin().get("/admin/v1/apps/shop-1");
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body()).doesNotContain(key).doesNotContain(key.substring(9));

        var list = admin().get("/admin/v1/apps");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("id")).contains("shop-1");
        assertThat(list.body()).doesNotContain(key.substring(9));

        var keys = admin().get("/admin/v1/apps/shop-1/keys");
        assertThat(keys.status()).isEqualTo(200);
        assertThat(keys.json()).hasSize(1);
        assertThat(keys.json().get(0).get("prefix").asText()).isEqualTo(key.substring(0, 8));
        assertThat(keys.body()).doesNotContain(key.substring(9));
    }

    @Test
    void duplicateAppIsAConflictAndBadIdsAreRefused() {
        assertThat(admin().post("/admin/v1/apps", Map.of("id", "dup")).status()).isEqualTo(201);
        assertThat(admin().post("/admin/v1/apps", Map.of("id", "dup")).status()).isEqualTo(409);
        for (String bad : new String[] {"", "a b", "x/y", "ü", "a".repeat(65), "'; DROP TABLE apps;--"}) {
            var r = admin().post("/admin/v1/apps", Map.of("id", bad));
            assertThat(r.status()).as("id %s", bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).contains("'id'");
        }
        assertThat(admin().post("/admin/v1/apps", Map.of("id", "a".repeat(64))).status()).isEqualTo(201);
    }

    @Test
    void adminApiNeedsTheAdminToken() {
        assertThat(http().get("/admin/v1/apps").status()).isEqualTo(401);
        assertThat(http().withBearer("wrong-token-wrong-token").get("/admin/v1/apps").status()).isEqualTo(401);
        var app = newApp();
        // An app key is not an admin credential.
        assertThat(app.http().get("/admin/v1/apps").status()).isEqualTo(401);
        assertThat(app.http().post("/admin/v1/apps", Map.of("id", "sneaky")).status()).isEqualTo(401);
    }

    @Test
    void aPrefixThatMatchedNoKeyIsRememberedUntilTheConfigurationChanges() throws Exception {
        var app = newApp();
        String key = io.accolade.auth.Secrets.random(8) + "." + io.accolade.auth.Secrets.random(40);
        var withKey = http().withKey(key);
        assertThat(withKey.get("/v1/achievements").status()).isEqualTo(401);
        // A row for that key appears behind the server's back, without the version bump every key change makes:
        // the refusal is remembered (no lookup per request for a key that does not exist) ...
        server.behindTheServersBack("INSERT INTO api_keys (app_id, key_id, prefix, secret_hash, created_at, "
                + "last_used_at) VALUES ('" + app.id() + "', 'key_behind', '" + key.substring(0, 8) + "', '"
                + io.accolade.auth.Secrets.sha256Hex(key) + "', 0, NULL)");
        assertThat(withKey.get("/v1/achievements").status()).isEqualTo(401);
        // ... until the configuration version moves, as it does with every key created anywhere: then within the
        // version's poll interval the key works.
        server.behindTheServersBack("UPDATE config_version SET version = version + 1 WHERE id = 1");
        long until = System.nanoTime() + 3_000_000_000L;
        int status;
        do {
            Thread.sleep(50);
            status = withKey.get("/v1/achievements").status();
        } while (status != 200 && System.nanoTime() < until);
        assertThat(status).isEqualTo(200);
    }

    @Test
    void aSecondKeyWorksAndARevokedKeyStopsAtOnce() {
        var app = newApp();
        var second = admin().post("/admin/v1/apps/" + app.id() + "/keys", null);
        assertThat(second.status()).isEqualTo(201);
        String key2 = second.json().get("apiKey").asText();
        String key2Id = second.json().get("id").asText();

        // Both keys are valid during the overlap (rotation without downtime).
        assertThat(app.http().get("/v1/achievements").status()).isEqualTo(200);
        assertThat(http().withKey(key2).get("/v1/achievements").status()).isEqualTo(200);

        var revoked = admin().delete("/admin/v1/apps/" + app.id() + "/keys/" + key2Id);
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(http().withKey(key2).get("/v1/achievements").status()).isEqualTo(401);
        assertThat(app.http().get("/v1/achievements").status()).isEqualTo(200);

        var keys = admin().get("/admin/v1/apps/" + app.id() + "/keys");
        assertThat(keys.json().findValuesAsText("id")).doesNotContain(key2Id);
        assertThat(keys.json().get(0).get("lastUsedAt").isNull()).isFalse();
    }

    @Test
    void anAppCreatedAgainUnderAnIdStartsWithNoneOfTheDataLeftUnderIt() {
        var app = server.newApp("reused-id");
        assertThat(admin().delete("/admin/v1/apps/reused-id").status()).isEqualTo(200);
        // What a write that authenticated on another node before it saw the deletion leaves when it commits after.
        server.behindTheServersBack("INSERT INTO users (app_id, user_id, email, name, tz, device_tokens, "
                + "subscribe_to_emails, attributes, control, write_seq, created_at, updated_at) VALUES ('reused-id', "
                + "'ghost', NULL, NULL, NULL, NULL, false, '{}', false, 0, 1000, 1000)");
        var again = server.newApp("reused-id");
        assertThat(again.http().get("/v1/users/ghost").status()).isEqualTo(404);
        assertThat(app.http().get("/v1/achievements").status()).as("the old key").isEqualTo(401);
    }

    @Test
    void deletingAnAppRemovesItAndItsKeys() {
        var app = newApp();
        assertThat(admin().delete("/admin/v1/apps/" + app.id()).status()).isEqualTo(200);
        assertThat(admin().get("/admin/v1/apps/" + app.id()).status()).isEqualTo(404);
        assertThat(app.http().get("/v1/achievements").status()).isEqualTo(401);
        assertThat(admin().delete("/admin/v1/apps/" + app.id()).status()).isEqualTo(404);
    }
}
