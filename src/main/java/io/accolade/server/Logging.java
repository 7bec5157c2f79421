package io.accolade.server;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One log line per record on standard error: time, level, logger, message (and a stack trace for errors). */
final class Logging {
    private Logging() {
    }

    static void configure() {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder sb = new StringBuilder()
                        .append(r.getInstant()).append(' ').append(r.getLevel().getName()).append(' ')
                        .append(r.getLoggerName()).append(": ").append(formatMessage(r)).append('\n');
                if (r.getThrown() != null) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(sw);
                }
                return sb.toString();
            }
        });
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Quiet libraries' start-up chatter; warnings still show. JUL holds loggers weakly, so keep references.
        for (String name : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.helidon"}) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.WARNING);
            QUIETED.add(l);
        }
    }

    private static final java.util.List<Logger> QUIETED = new java.util.ArrayList<>();
}
