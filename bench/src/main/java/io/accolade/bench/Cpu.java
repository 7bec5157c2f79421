package io.accolade.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used during a measured window, from /proc: the server process, and the PostgreSQL backends connected to
 * the benchmark database (other databases' backends, e.g. other test suites on the same server, are not counted).
 */
final class Cpu {
    static final double TICK_MS = 10.0; // USER_HZ = 100 on Linux

    /** utime + stime of a process in milliseconds, or -1 when it is gone. */
    static double processMs(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_MS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Per-backend CPU of the database's sessions at one instant. */
    static Map<Long, Double> backends(String pgBase, String user, String password, String db) {
        Map<Long, Double> out = new HashMap<>();
        if (db == null) {
            return out;
        }
        List<Long> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pgBase + "postgres", user, password);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = '" + db + "'")) {
            while (rs.next()) {
                pids.add(rs.getLong(1));
            }
        } catch (Exception e) {
            return out;
        }
        for (long pid : pids) {
            double ms = processMs(pid);
            if (ms >= 0) {
                out.put(pid, ms);
            }
        }
        return out;
    }

    /** CPU between two snapshots; backends that came or went in between count from 0 / up to their last sample. */
    static double delta(Map<Long, Double> before, Map<Long, Double> after) {
        double sum = 0;
        for (var e : after.entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
        }
        return sum;
    }
}
