package io.accolade.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's settings. Every setting is an environment variable ({@code ACCOLADE_PORT}) and also a command-line flag
 * ({@code --port 9000} or {@code --port=9000}); the flag wins. {@link #describe()} lists them for the start-up banner
 * with secrets masked, and the README documents the same table ({@link Setting} is the single source of both).
 */
public record Config(
        int port,
        String host,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        Path dataDir,
        Optional<String> adminToken,
        int dbPoolSize,
        Duration dbTimeout,
        Duration tokenTtl,
        Duration lateEventWindow,
        int rateLimitPerSecond,
        int rateLimitBurst,
        Duration shutdownGrace,
        int userCacheSize) {

    /** One setting: its variable, its flag, its default (null = unset) and whether it is a secret. */
    public enum Setting {
        PORT("ACCOLADE_PORT", "8080", false, "HTTP port (0 = any free port)"),
        HOST("ACCOLADE_HOST", "0.0.0.0", false, "address to bind"),
        DB_URL("ACCOLADE_DB_URL", null, false, "jdbc:postgresql://host:5432/db for PostgreSQL; unset = embedded SQLite"),
        DB_USER("ACCOLADE_DB_USER", null, false, "PostgreSQL user"),
        DB_PASSWORD("ACCOLADE_DB_PASSWORD", null, true, "PostgreSQL password"),
        DATA_DIR("ACCOLADE_DATA_DIR", "./data", false, "directory of the embedded SQLite file (accolade.db)"),
        ADMIN_TOKEN("ACCOLADE_ADMIN_TOKEN", null, true, "operator bearer token for /admin/v1; unset = generated once, stored hashed, printed once"),
        // 2 x cores + 1 (HikariCP's rule of thumb). Measured on the 2-core bench machine (BENCHMARKS.md): 5
        // connections against 16 halved the p99 of writes at equal or better throughput.
        DB_POOL_SIZE("ACCOLADE_DB_POOL_SIZE", String.valueOf(2 * Runtime.getRuntime().availableProcessors() + 1),
                false, "database connections (PostgreSQL) / readers (SQLite); 2 x CPU cores + 1 unless set"),
        DB_TIMEOUT("ACCOLADE_DB_TIMEOUT", "PT2S", false, "how long a request waits for a database connection (PostgreSQL: or an answer) before a 503"),
        TOKEN_TTL("ACCOLADE_TOKEN_TTL", "PT1H", false, "lifetime of Mobage-dialect user access tokens"),
        LATE_EVENT_WINDOW("ACCOLADE_LATE_EVENT_WINDOW", "P7D", false, "how far in the past a metric event's timestamp may lie"),
        RATE_LIMIT("ACCOLADE_RATE_LIMIT", "0", false, "requests per second per API key (0 = unlimited)"),
        RATE_LIMIT_BURST("ACCOLADE_RATE_LIMIT_BURST", "0", false, "bucket size per API key (0 = same as the rate)"),
        SHUTDOWN_GRACE("ACCOLADE_SHUTDOWN_GRACE", "PT10S", false, "how long SIGTERM waits for in-flight requests"),
        USER_CACHE("ACCOLADE_USER_CACHE", "20000", false, "users whose achievement lists and streaks each node keeps in memory, as many Mobage access tokens, and ten times as many Mobage records (0 = read the database every time)");

        public final String env;
        public final String defaultValue;
        public final boolean secret;
        public final String help;

        Setting(String env, String defaultValue, boolean secret, String help) {
            this.env = env;
            this.defaultValue = defaultValue;
            this.secret = secret;
            this.help = help;
        }

        /** {@code ACCOLADE_DB_URL} → {@code --db-url}. */
        public String flag() {
            return "--" + env.substring("ACCOLADE_".length()).toLowerCase().replace('_', '-');
        }
    }

    /** Reads the process environment and arguments. */
    public static Config load(Map<String, String> env, String[] args) {
        Map<Setting, String> raw = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            String v = env.get(s.env);
            if (v != null && !v.isBlank()) {
                raw.put(s, v.trim());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new ConfigException(null, usage());
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            Setting setting = byFlag(name);
            if (setting == null) {
                throw new ConfigException(null, "unknown argument '" + arg + "' (try --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException(setting, "needs a value");
                }
                value = args[++i];
            }
            raw.put(setting, value.trim());
        }
        return fromRaw(raw);
    }

    public static Config fromRaw(Map<Setting, String> raw) {
        String url = get(raw, Setting.DB_URL);
        if (url != null && !url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(Setting.DB_URL, "must start with jdbc:postgresql:// (unset it for the embedded SQLite store)");
        }
        int burst = integer(raw, Setting.RATE_LIMIT_BURST, 0, 1_000_000);
        int rate = integer(raw, Setting.RATE_LIMIT, 0, 1_000_000);
        String adminToken = get(raw, Setting.ADMIN_TOKEN);
        if (adminToken != null && adminToken.length() < 16) {
            throw new ConfigException(Setting.ADMIN_TOKEN, "must be at least 16 characters");
        }
        return new Config(
                integer(raw, Setting.PORT, 0, 65535),
                get(raw, Setting.HOST),
                Optional.ofNullable(url),
                Optional.ofNullable(get(raw, Setting.DB_USER)),
                Optional.ofNullable(get(raw, Setting.DB_PASSWORD)),
                Path.of(get(raw, Setting.DATA_DIR)),
                Optional.ofNullable(adminToken),
                integer(raw, Setting.DB_POOL_SIZE, 1, 1000),
                duration(raw, Setting.DB_TIMEOUT),
                duration(raw, Setting.TOKEN_TTL),
                duration(raw, Setting.LATE_EVENT_WINDOW),
                rate,
                burst == 0 ? rate : burst,
                duration(raw, Setting.SHUTDOWN_GRACE),
                integer(raw, Setting.USER_CACHE, 0, 10_000_000));
    }

    /** Defaults only: the embedded store under {@code dataDir}, any free port. Used by tests and tools. */
    public static Config defaults() {
        return fromRaw(Map.of());
    }

    public Config withPort(int p) {
        return new Config(p, host, dbUrl, dbUser, dbPassword, dataDir, adminToken, dbPoolSize, dbTimeout, tokenTtl,
                lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, userCacheSize);
    }

    public Config withDatabase(Optional<String> url, Optional<String> user, Optional<String> password, Path dir) {
        return new Config(port, host, url, user, password, dir, adminToken, dbPoolSize, dbTimeout, tokenTtl,
                lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, userCacheSize);
    }

    public Config withAdminToken(String token) {
        return new Config(port, host, dbUrl, dbUser, dbPassword, dataDir, Optional.of(token), dbPoolSize, dbTimeout,
                tokenTtl, lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, userCacheSize);
    }

    public Config withRateLimit(int perSecond, int burst) {
        return new Config(port, host, dbUrl, dbUser, dbPassword, dataDir, adminToken, dbPoolSize, dbTimeout, tokenTtl,
                lateEventWindow, perSecond, burst, shutdownGrace, userCacheSize);
    }

    public Config withDbTimeout(Duration timeout) {
        return new Config(port, host, dbUrl, dbUser, dbPassword, dataDir, adminToken, dbPoolSize, timeout, tokenTtl,
                lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, userCacheSize);
    }

    public Config withTokenTtl(Duration ttl) {
        return new Config(port, host, dbUrl, dbUser, dbPassword, dataDir, adminToken, dbPoolSize, dbTimeout, ttl,
                lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, userCacheSize);
    }

    public Config withUserCacheSize(int users) {
        return new Config(port, host, dbUrl, dbUser, dbPassword, dataDir, adminToken, dbPoolSize, dbTimeout, tokenTtl,
                lateEventWindow, rateLimitPerSecond, rateLimitBurst, shutdownGrace, users);
    }

    /** One line per setting, secrets masked, for the start-up banner. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(line(Setting.PORT, String.valueOf(port)));
        lines.add(line(Setting.HOST, host));
        lines.add(line(Setting.DB_URL, dbUrl.map(Config::maskUrl).orElse("(unset: embedded SQLite)")));
        lines.add(line(Setting.DB_USER, dbUser.orElse("(unset)")));
        lines.add(line(Setting.DB_PASSWORD, dbPassword.map(p -> "****").orElse("(unset)")));
        lines.add(line(Setting.DATA_DIR, dataDir.toString()));
        lines.add(line(Setting.ADMIN_TOKEN, adminToken.map(t -> "****").orElse("(unset: stored token)")));
        lines.add(line(Setting.DB_POOL_SIZE, String.valueOf(dbPoolSize)));
        lines.add(line(Setting.DB_TIMEOUT, dbTimeout.toString()));
        lines.add(line(Setting.TOKEN_TTL, tokenTtl.toString()));
        lines.add(line(Setting.LATE_EVENT_WINDOW, lateEventWindow.toString()));
        lines.add(line(Setting.RATE_LIMIT, rateLimitPerSecond == 0 ? "0 (unlimited)" : String.valueOf(rateLimitPerSecond)));
        lines.add(line(Setting.RATE_LIMIT_BURST, String.valueOf(rateLimitBurst)));
        lines.add(line(Setting.SHUTDOWN_GRACE, shutdownGrace.toString()));
        lines.add(line(Setting.USER_CACHE, userCacheSize == 0 ? "0 (off)" : String.valueOf(userCacheSize)));
        return lines;
    }

    /** A JDBC URL may carry {@code password=...}; never print it. */
    static String maskUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: ./accolade [--flag value]...\nEvery flag is also an environment variable:\n");
        for (Setting s : Setting.values()) {
            sb.append(String.format("  %-22s %-28s %s%s%n", s.flag(), s.env, s.help,
                    s.defaultValue == null ? "" : " (default " + s.defaultValue + ")"));
        }
        return sb.toString();
    }

    private static String line(Setting s, String value) {
        return String.format("  %-28s %s", s.env, value);
    }

    private static Setting byFlag(String flag) {
        for (Setting s : Setting.values()) {
            if (s.flag().equals(flag)) {
                return s;
            }
        }
        return null;
    }

    private static String get(Map<Setting, String> raw, Setting s) {
        String v = raw.get(s);
        return v != null ? v : s.defaultValue;
    }

    private static int integer(Map<Setting, String> raw, Setting s, int min, int max) {
        String v = get(raw, s);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new ConfigException(s, "must be between " + min + " and " + max + ", got '" + v + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(s, "must be a whole number, got '" + v + "'");
        }
    }

    private static Duration duration(Map<Setting, String> raw, Setting s) {
        String v = get(raw, s);
        try {
            Duration d = v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            if (d.isNegative()) {
                throw new ConfigException(s, "must not be negative");
            }
            return d;
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException(s, "must be seconds or an ISO-8601 duration like PT30S, got '" + v + "'");
        }
    }
}
