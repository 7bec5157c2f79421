package io.accolade.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 2, point 2: every setting is an environment variable and a flag; bad values name the setting. */
class ConfigTest {

    @Test
    void defaultsAreTheEmbeddedStoreOnPort8080() {
        Config c = Config.load(Map.of(), new String[0]);
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.dbUrl()).isEmpty();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.adminToken()).isEmpty();
        assertThat(c.lateEventWindow()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void environmentVariablesAndFlagsBothWorkAndTheFlagWins() {
        Config c = Config.load(Map.of("ACCOLADE_PORT", "7000", "ACCOLADE_DATA_DIR", "/tmp/x",
                "ACCOLADE_DB_URL", "jdbc:postgresql://db:5432/acc"), new String[] {"--port", "9000", "--host=127.0.0.1"});
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.dbUrl()).contains("jdbc:postgresql://db:5432/acc");
    }

    @Test
    void everySettingHasAFlagNamedAfterItsVariable() {
        for (Config.Setting s : Config.Setting.values()) {
            assertThat(s.flag()).startsWith("--").doesNotContain("_").isLowerCase();
            assertThat(Config.usage()).contains(s.env).contains(s.flag());
        }
        assertThat(Config.Setting.DB_URL.flag()).isEqualTo("--db-url");
    }

    @Test
    void wrongValuesNameTheSettingInOneLine() {
        assertThatThrownBy(() -> Config.load(Map.of("ACCOLADE_PORT", "eighty"), new String[0]))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.oneLine()).startsWith("ACCOLADE_PORT (--port): ").doesNotContain("\n"));
        assertThatThrownBy(() -> Config.load(Map.of(), new String[] {"--port", "70000"}))
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> Config.load(Map.of("ACCOLADE_DB_URL", "mysql://x"), new String[0]))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.oneLine()).startsWith("ACCOLADE_DB_URL (--db-url): "));
        assertThatThrownBy(() -> Config.load(Map.of(), new String[] {"--colour", "red"}))
                .hasMessageContaining("unknown argument '--colour'");
        assertThatThrownBy(() -> Config.load(Map.of(), new String[] {"--admin-token", "short"}))
                .isInstanceOfSatisfying(ConfigException.class, e ->
                        assertThat(e.oneLine()).startsWith("ACCOLADE_ADMIN_TOKEN").doesNotContain("short"));
    }

    @Test
    void theBannerMasksSecrets() {
        Config c = Config.load(Map.of("ACCOLADE_DB_PASSWORD", "s3cret-pw", "ACCOLADE_ADMIN_TOKEN",
                "admin-token-very-secret", "ACCOLADE_DB_URL", "jdbc:postgresql://h/db?user=u&password=hunter2"),
                new String[0]);
        String banner = String.join("\n", c.describe());
        assertThat(banner).doesNotContain("s3cret-pw").doesNotContain("admin-token-very-secret")
                .doesNotContain("hunter2").contains("password=****").contains("ACCOLADE_DB_PASSWORD");
    }
}
