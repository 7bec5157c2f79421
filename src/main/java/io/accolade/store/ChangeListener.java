package io.accolade.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL: how the nodes on one database tell each other which users' rows they changed, so that no node serves a
 * cached read of rows another node has changed.
 *
 * <p>A write transaction ends with {@code pg_notify} of the users it wrote ({@link #announce}); PostgreSQL delivers
 * the notification to every listening session when, and only if, the transaction commits. Each node keeps one
 * connection of its own that listens and bumps the users' versions in {@link UserChanges} as notifications arrive.
 *
 * <p>The bound: a node trusts its caches only while its listener has finished a round trip within
 * {@link #TRUST_NANOS}. Notifications committed before a round trip's query was sent arrive before its answer, so a
 * change committed anywhere is in force on every node within that second, also when the listener's connection hangs
 * or breaks. After every (re)connection the listener bumps the whole node's epoch: what was cached while nobody
 * listened may have missed a change.
 */
final class ChangeListener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("io.accolade.store");

    static final String CHANNEL = "accolade_changes";
    private static final String NOTIFY = "SELECT pg_notify('" + CHANNEL + "', ?)";
    /** The listener's {@code application_name}, so that an operator can tell its session from the pool's. */
    static final String APPLICATION_NAME = "accolade-changes";
    static final long TRUST_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long one wait for notifications lasts before the next confirming round trip. */
    private static final int WAIT_MS = 250;
    private static final long RETRY_MS = 500;
    /** pg_notify's payload must stay under 8,000 bytes; ids are ASCII, so characters are bytes. */
    private static final int MAX_PAYLOAD = 7_000;

    private final String url;
    private final Properties credentials;
    private final UserChanges changes;
    private final Thread thread;
    private volatile boolean closed;
    /** When the last confirming round trip was sent ({@link System#nanoTime}). */
    private volatile long confirmedAt = System.nanoTime() - 2 * TRUST_NANOS;

    private ChangeListener(String url, String user, String password, UserChanges changes) {
        this.url = url.matches("(?i).*[?&]ApplicationName=.*")
                ? url.replaceAll("(?i)([?&])ApplicationName=[^&]*", "$1ApplicationName=" + APPLICATION_NAME)
                : url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + APPLICATION_NAME;
        this.credentials = new Properties();
        if (user != null) {
            credentials.setProperty("user", user);
        }
        if (password != null) {
            credentials.setProperty("password", password);
        }
        this.changes = changes;
        this.thread = new Thread(this::run, "accolade-changes");
        thread.setDaemon(true);
    }

    static ChangeListener start(String url, String user, String password, UserChanges changes) {
        ChangeListener l = new ChangeListener(url, user, password, changes);
        changes.trustWhen(() -> System.nanoTime() - l.confirmedAt < TRUST_NANOS);
        l.thread.start();
        return l;
    }

    /**
     * Tells every listening node, in {@code c}'s transaction, which users it wrote (see {@link Database#touched}).
     * Each payload starts with the sending node's id ("@id"): the sender has bumped its own versions already, and
     * hearing its own notification a moment later would end values it read after its commit, for nothing.
     */
    static void announce(Connection c, String nodeId, Collection<String> touched) {
        String header = "@" + nodeId + "\n";
        StringBuilder payload = new StringBuilder(header);
        for (String t : touched) {
            if (payload.length() + t.length() + 1 > MAX_PAYLOAD) {
                send(c, payload.toString());
                payload.setLength(0);
                payload.append(header);
            }
            payload.append(t).append('\n');
        }
        send(c, payload.toString());
    }

    private static void send(Connection c, String payload) {
        Sql.each(c, NOTIFY, rs -> { }, payload);
    }

    /** Bumps the versions of what {@link #announce} sent (lines of "app TAB user"; an empty user: the whole app). */
    static void apply(Collection<String> touched, UserChanges changes) {
        for (String t : touched) {
            apply(t, changes);
        }
    }

    private static void apply(String line, UserChanges changes) {
        int tab = line.indexOf('\t');
        if (tab < 0 || tab == line.length() - 1) {
            changes.bumpAll();      // app-wide (or not ours to parse): nothing cached may be trusted
        } else {
            changes.bump(line.substring(0, tab), line.substring(tab + 1));
        }
    }

    private void applyNotifications(PGNotification[] notifications) {
        if (notifications == null) {
            return;
        }
        String own = "@" + changes.nodeId() + "\n";
        for (PGNotification n : notifications) {
            if (CHANNEL.equals(n.getName()) && !n.getParameter().startsWith(own)) {
                for (String line : n.getParameter().split("\n")) {
                    if (!line.isEmpty() && line.charAt(0) != '@') {
                        apply(line, changes);
                    }
                }
            }
        }
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection c = DriverManager.getConnection(url, credentials); Statement st = c.createStatement()) {
                st.execute("LISTEN " + CHANNEL);
                changes.bumpAll();
                if (failing) {
                    LOG.info("listening for other nodes' changes again");
                    failing = false;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    long askedAt = System.nanoTime();
                    st.execute("SELECT 1");
                    applyNotifications(pg.getNotifications());
                    confirmedAt = askedAt;
                    // Notifications as they come until the next confirmation is due: one round trip per interval,
                    // not per notification (under a stream of writes, every wait ends early).
                    long due = askedAt + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
                    for (long left = due - System.nanoTime(); left > 0 && !closed; left = due - System.nanoTime()) {
                        applyNotifications(pg.getNotifications((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                confirmedAt = System.nanoTime() - 2 * TRUST_NANOS;
                changes.bumpAll();
                if (!closed && !failing) {
                    // The message only: a connection error never holds the password, but the URL might.
                    LOG.log(Level.WARNING, "not listening for other nodes' changes (caches serve nothing until it "
                            + "listens again): " + e.getMessage());
                    failing = true;
                }
                sleepQuietly();
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        confirmedAt = System.nanoTime() - 2 * TRUST_NANOS;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
