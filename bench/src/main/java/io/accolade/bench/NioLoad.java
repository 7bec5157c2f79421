package io.accolade.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The closed loop of {@link Measure} for HTTP, driven by a few selector loops instead of one thread per connection,
 * as wrk does: each loop owns some of the connections and, whenever one of them has its whole response, checks it,
 * records its latency and sends that connection's next request. A read that finds no data costs no thread a park and
 * a wake-up; one {@code select} hands over every connection that is ready. The rules are {@link Measure}'s: one
 * request at a time per connection, only requests that start inside the measured window counted, each response
 * checked, a failed connection counted as an error and opened again.
 *
 * <p>The loops visit ready connections in the order the kernel reports them and each connection gets at most one
 * request per visit, so the generator puts no connection ahead of the others. (Platform threads did; and a skew in
 * the latencies that remains is the server's: BENCHMARKS.md, tenth round, "Who waits".)
 */
final class NioLoad {
    private NioLoad() {
    }

    static final long TIMEOUT_NANOS = 30_000_000_000L;

    /**
     * One request: its bytes, whether it reads or writes ({@link Measure#READ}, {@link Measure#WRITE}; their
     * latencies are kept apart for a mix), and the check of its response.
     */
    record Request(byte[] bytes, int kind, Scenarios.Check check) {
    }

    /** The next request of one connection. */
    interface Requests {
        Request next(SplittableRandom r, int connection, long seq);
    }

    static Measure.Result run(String host, int port, int connections, int loops, double warmupSec, double measureSec,
                              long seed, Requests requests, Measure.Probe probe) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + (long) (warmupSec * 1e9);
        long measureTo = measureFrom + (long) (measureSec * 1e9);
        Thread prober = Measure.startProbe(probe, measureFrom, measureTo);
        Shared shared = new Shared();
        List<Loop> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int l = 0; l < loops; l++) {
            List<Integer> mine = new ArrayList<>();
            for (int i = l; i < connections; i += loops) {
                mine.add(i);
            }
            Loop loop = new Loop(host, port, mine, seed, requests, measureFrom, measureTo, shared);
            all.add(loop);
            threads.add(Thread.ofPlatform().name("bench-loop-" + l).start(loop));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (prober != null) {
            prober.join();
        }
        Histogram hist = new Histogram(60_000_000L, 3);
        Histogram reads = new Histogram(60_000_000L, 3);
        Histogram writes = new Histogram(60_000_000L, 3);
        for (Loop loop : all) {
            hist.add(loop.hist);
            reads.add(loop.byKind[Measure.READ]);
            writes.add(loop.byKind[Measure.WRITE]);
        }
        return new Measure.Result(shared.ops.get(), shared.errors.get(), measureSec, hist, shared.firstError,
                List.copyOf(shared.slow), reads, writes);
    }

    private static final class Shared {
        final AtomicLong ops = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<long[]> slow = new ConcurrentLinkedQueue<>();
        volatile String firstError;

        synchronized void error(String what) {
            errors.incrementAndGet();
            if (firstError == null) {
                firstError = what;
            }
        }
    }

    /** One connection's state: its request going out, its response coming in. */
    private static final class Conn {
        final int index;
        final SplittableRandom random;
        long seq;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        byte[] in = new byte[16 * 1024];
        int inLength;
        Request request;
        long startedAt;
        /** The response's length once its headers are in and give a Content-Length; -1 before. */
        int expected = -1;
        boolean done;

        Conn(int index, long seed) {
            this.index = index;
            this.random = new SplittableRandom(seed * 1_000_003L + index);
        }
    }

    private static final class Loop implements Runnable {
        final String host;
        final int port;
        final List<Integer> indexes;
        final long seed;
        final Requests requests;
        final long measureFrom;
        final long measureTo;
        final Shared shared;
        final Histogram hist = new Histogram(60_000_000L, 3);
        final Histogram[] byKind = {new Histogram(60_000_000L, 3), new Histogram(60_000_000L, 3)};
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        final List<Conn> conns = new ArrayList<>();
        Selector selector;
        int open;
        long lastTimeoutCheck = System.nanoTime();

        Loop(String host, int port, List<Integer> indexes, long seed, Requests requests, long measureFrom,
             long measureTo, Shared shared) {
            this.host = host;
            this.port = port;
            this.indexes = indexes;
            this.seed = seed;
            this.requests = requests;
            this.measureFrom = measureFrom;
            this.measureTo = measureTo;
            this.shared = shared;
        }

        @Override
        public void run() {
            try (Selector s = Selector.open()) {
                selector = s;
                for (int i : indexes) {
                    Conn c = new Conn(i, seed);
                    conns.add(c);
                    connect(c);
                    open++;
                    send(c);
                }
                while (open > 0) {
                    selector.select(1_000);
                    timeOut();
                    for (SelectionKey k : selector.selectedKeys()) {
                        Conn c = (Conn) k.attachment();
                        if (c.done || !k.isValid()) {
                            continue;
                        }
                        try {
                            if (k.isWritable()) {
                                write(c);
                            } else if (k.isReadable()) {
                                read(c);
                            }
                        } catch (IOException | RuntimeException e) {
                            finish(c, false, e.toString());
                            reopen(c);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                shared.error("load loop died: " + e);
            }
        }

        /** As RawHttp's socket timeout: a request unanswered for 30 s is an error, and its connection is reopened. */
        private void timeOut() {
            long now = System.nanoTime();
            if (now - lastTimeoutCheck < 1_000_000_000L) {
                return;
            }
            lastTimeoutCheck = now;
            for (Conn c : conns) {
                if (!c.done && now - c.startedAt > TIMEOUT_NANOS) {
                    finish(c, false, "no response in 30 s");
                    reopen(c);
                }
            }
        }

        private void connect(Conn c) throws IOException {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(new InetSocketAddress(host, port));
            ch.configureBlocking(false);
            c.channel = ch;
            c.key = ch.register(selector, 0, c);
        }

        private void reopen(Conn c) {
            try {
                c.key.cancel();
                c.channel.close();
                if (c.done) {
                    return;
                }
                connect(c);
                send(c);
            } catch (IOException e) {
                shared.error("reconnect failed: " + e);
                c.done = true;
                open--;
            }
        }

        /** The connection's next request, or its end once the measured window is over. */
        private void send(Conn c) throws IOException {
            long now = System.nanoTime();
            if (now >= measureTo) {
                c.done = true;
                open--;
                c.key.cancel();
                c.channel.close();
                return;
            }
            c.request = requests.next(c.random, c.index, c.seq++);
            c.out = ByteBuffer.wrap(c.request.bytes());
            c.inLength = 0;
            c.expected = -1;
            c.startedAt = now;
            write(c);
        }

        private void write(Conn c) throws IOException {
            c.channel.write(c.out);
            c.key.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read(Conn c) throws IOException {
            while (true) {
                readBuffer.clear();
                int n = c.channel.read(readBuffer);
                if (n < 0) {
                    throw new IOException("connection closed by server");
                }
                if (n == 0) {
                    return;
                }
                readBuffer.flip();
                if (c.inLength + n > c.in.length) {
                    c.in = Arrays.copyOf(c.in, Math.max(c.in.length * 2, c.inLength + n));
                }
                readBuffer.get(c.in, c.inLength, n);
                c.inLength += n;
                if (c.expected >= 0 && c.inLength < c.expected) {
                    continue; // the body is still coming: no need to look at the headers again
                }
                Parsed p = parse(c.in, c.inLength);
                if (p == null) {
                    continue;
                }
                if (p.response == null) {
                    c.expected = p.end;
                    continue;
                }
                if (p.end != c.inLength) {
                    throw new IOException("bytes after the response: the server answered what was not asked");
                }
                if (p.close) {
                    throw new IOException("server closed the connection (Connection: close) after status "
                            + p.response.status());
                }
                boolean ok = c.request.check().ok(p.response);
                finish(c, ok, ok ? null : "failed check (status " + p.response.status() + ")");
                send(c);
                return;
            }
        }

        /** Records the connection's request that just ended (only when it started inside the measured window). */
        private void finish(Conn c, boolean ok, String error) {
            if (c.startedAt < measureFrom) {
                return;
            }
            long micros = Math.max(1, (System.nanoTime() - c.startedAt) / 1000);
            shared.ops.incrementAndGet();
            hist.recordValue(micros);
            byKind[c.request.kind()].recordValue(micros);
            if (micros >= Measure.SLOW_MICROS) {
                shared.slow.add(new long[] {(c.startedAt - measureFrom) / 1_000_000, micros});
            }
            if (!ok) {
                shared.error(error);
            }
        }
    }

    record Parsed(RawHttp.Response response, int end, boolean close) {
    }

    /**
     * The response in {@code buf[0, length)} when it is complete (status line, headers, and a body by
     * Content-Length or chunked); null while the headers are incomplete; with a null response and its whole length
     * as {@code end} when the headers give a Content-Length that has not all arrived yet.
     */
    static Parsed parse(byte[] buf, int length) throws IOException {
        int headerEnd = indexOf(buf, 0, length, "\r\n\r\n");
        if (headerEnd < 0) {
            return null;
        }
        String head = new String(buf, 0, headerEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n");
        if (lines[0].length() < 12 || !lines[0].startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 status line: " + lines[0]);
        }
        int status = Integer.parseInt(lines[0].substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        int bodyStart = headerEnd + 4;
        if (!chunked) {
            long end = bodyStart + Math.max(0, contentLength);
            if (length < end) {
                return new Parsed(null, (int) end, close);
            }
            return new Parsed(new RawHttp.Response(status, Arrays.copyOfRange(buf, bodyStart, (int) end)), (int) end,
                    close);
        }
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int at = bodyStart;
        while (true) {
            int lineEnd = indexOf(buf, at, length, "\r\n");
            if (lineEnd < 0) {
                return null;
            }
            String size = new String(buf, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            at = lineEnd + 2;
            if (n == 0) {
                // Trailers, if any, then the empty line.
                while (true) {
                    int end = indexOf(buf, at, length, "\r\n");
                    if (end < 0) {
                        return null;
                    }
                    boolean empty = end == at;
                    at = end + 2;
                    if (empty) {
                        return new Parsed(new RawHttp.Response(status, body.toByteArray()), at, close);
                    }
                }
            }
            if (length < at + n + 2) {
                return null;
            }
            body.write(buf, at, n);
            at += n + 2;
        }
    }

    private static int indexOf(byte[] buf, int from, int to, String ascii) {
        outer:
        for (int i = from; i <= to - ascii.length(); i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (buf[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
