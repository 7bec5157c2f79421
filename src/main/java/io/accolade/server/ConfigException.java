package io.accolade.server;

/**
 * A setting that stops the start. Its message is one line that names the setting, printed by {@link Main} instead of
 * a stack trace.
 */
public final class ConfigException extends RuntimeException {
    private final Config.Setting setting;

    public ConfigException(Config.Setting setting, String message) {
        super(message);
        this.setting = setting;
    }

    public Config.Setting setting() {
        return setting;
    }

    /** "ACCOLADE_DB_URL (--db-url): cannot connect: Connection refused". */
    public String oneLine() {
        if (setting == null) {
            return getMessage();
        }
        return setting.env + " (" + setting.flag() + "): " + getMessage();
    }
}
