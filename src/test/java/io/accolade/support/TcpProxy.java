package io.accolade.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay between the server and its database that a test can cut ({@link #cut()}: drop every connection and
 * refuse new ones), stall ({@link #stall()}: keep every connection open but forward nothing, and accept new ones
 * without answering — a database that hangs) and restore — all without touching the real database.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private volatile boolean closed;
    private volatile boolean stalled;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        restore();
    }

    public int port() {
        return port;
    }

    /** The database becomes unreachable: open connections are reset and new ones refused. */
    public synchronized void cut() throws IOException {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        open.clear();
    }

    /** The database hangs: bytes already sent and new connections wait, nothing is answered, until resumed. */
    public void stall() {
        stalled = true;
    }

    /** A stalled database answers again; what waited is forwarded. */
    public void resume() {
        synchronized (this) {
            stalled = false;
            notifyAll();
        }
    }

    private void awaitUnstalled() throws InterruptedException {
        synchronized (this) {
            while (stalled && !closed) {
                wait(100);
            }
        }
    }

    /** The database is reachable again. */
    public synchronized void restore() throws IOException {
        if (listener != null || closed) {
            return;
        }
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress("127.0.0.1", port));
        listener = ss;
        Thread.ofVirtual().start(() -> accept(ss));
    }

    private void accept(ServerSocket ss) {
        while (!ss.isClosed()) {
            try {
                Socket client = ss.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> {
                    try {
                        awaitUnstalled();
                        Socket upstream = new Socket(targetHost, targetPort);
                        open.add(upstream);
                        Thread.ofVirtual().start(() -> pipe(client, upstream));
                        pipe(upstream, client);
                    } catch (IOException | InterruptedException e) {
                        closeQuietly(client);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitUnstalled();
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException ignored) {
            // connection cut
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        resume();
        cut();
    }
}
