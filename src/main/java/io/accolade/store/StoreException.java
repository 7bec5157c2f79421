package io.accolade.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * A database failure. {@link Unavailable} means "the database did not answer in time or at all" and becomes a 503
 * with Retry-After; anything else is a bug or a broken database and becomes a logged 500.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The database is down, slow, or the pool is exhausted: the request may succeed if retried later. */
    public static final class Unavailable extends StoreException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A uniqueness or check constraint refused the write. */
    public static final class Conflict extends StoreException {
        public Conflict(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static StoreException of(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P03")
                || state.equals("53300") || state.equals("57014")))) {
            return new Unavailable("database unavailable: " + e.getMessage(), e);
        }
        if (state != null && state.equals("23505")) {
            return new Conflict(e.getMessage(), e);
        }
        // SQLite reports constraint violations with vendor code 19 (SQLITE_CONSTRAINT) and busy with 5/6.
        if (e.getErrorCode() == 19 || (e.getMessage() != null && e.getMessage().contains("SQLITE_CONSTRAINT"))) {
            return new Conflict(e.getMessage(), e);
        }
        if (e.getErrorCode() == 5 || e.getErrorCode() == 6) {
            return new Unavailable("database busy: " + e.getMessage(), e);
        }
        return new StoreException(e.getMessage(), e);
    }
}
