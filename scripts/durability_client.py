#!/usr/bin/env python3
"""The client half of scripts/durability (Python 3 standard library only).

One run on one store: start the server, define a metric and a threshold achievement, drive metric events from many
concurrent clients (each event with its own Idempotency-Key), kill -9 the server while requests are in flight,
start it again on the same store, retry every request that got no answer with its same key, replay every
acknowledged one, and check that the stored totals are exactly the acknowledged events plus the retried ones.

Prints the figures and exits 1 on any mismatch. Run through scripts/durability, which prepares the store.
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

APP = "durability"
METRIC = "steps"
ACHIEVEMENT = "five-hundred-steps"
THRESHOLD = 500


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, root, store_args, admin_token, log_path):
        self.root = root
        self.store_args = store_args
        self.admin_token = admin_token
        self.log_path = log_path
        self.port = free_port()
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ACCOLADE_")}
        # ./accolade execs the JVM, so this pid is the server's own: kill -9 reaches it, not a wrapper.
        self.proc = subprocess.Popen(
            [os.path.join(self.root, "accolade"), "--port", str(self.port), "--host", "127.0.0.1",
             "--admin-token", self.admin_token] + self.store_args,
            cwd=self.root, stdout=log, stderr=log, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited with {self.proc.returncode} at start; see {self.log_path}")
            try:
                status, _ = request(self.port, "GET", "/health", None, {}, timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"server did not answer /health within 60 s; see {self.log_path}")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(port, method, path, body, headers, timeout=30, conn=None):
    """One HTTP request; returns (status, parsed JSON or None). Raises OSError/HTTPException when no answer."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        h = dict(headers)
        if data is not None:
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        raw = r.read()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return r.status, parsed
    finally:
        if conn is None:
            c.close()


class Event:
    __slots__ = ("key", "user", "value", "status", "event_id", "retry_status", "replay_status", "replay_event_id")

    def __init__(self, key, user, value):
        self.key = key
        self.user = user
        self.value = value
        self.status = None          # None: no answer (connection reset, refused or timed out)
        self.event_id = None
        self.retry_status = None
        self.replay_status = None
        self.replay_event_id = None


def send_event(port, api_key, e, conn=None):
    status, body = request(port, "POST", f"/v1/metrics/{METRIC}/event",
                           {"user": {"id": e.user}, "value": e.value},
                           {"X-API-KEY": api_key, "Idempotency-Key": e.key}, conn=conn)
    return status, (body or {}).get("eventId")


def drive(port, api_key, clients, users, seconds, kill, rng_seed):
    """Load from `clients` threads; after `seconds`, kill -9 the server while requests are in flight."""
    events = []
    lock = threading.Lock()
    stop = threading.Event()
    in_flight = [0]

    def worker(n):
        rng = random.Random(rng_seed * 1000 + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while not stop.is_set():
            # Skewed: a few users get most events (same user and metric at once), many get few, so that some
            # users cross the achievement's threshold and some do not.
            e = Event(f"c{n}-{uuid.uuid4()}", f"user-{int(users * rng.random() ** 3)}", rng.randint(1, 9))
            with lock:
                events.append(e)
                in_flight[0] += 1
            try:
                e.status, e.event_id = send_event(port, api_key, e, conn)
            except (OSError, http.client.HTTPException):
                e.status = None
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            finally:
                with lock:
                    in_flight[0] -= 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds)
    # Kill while requests are on the wire; wait (briefly) for a moment when many are.
    deadline = time.time() + 2
    while in_flight[0] < clients // 2 and time.time() < deadline:
        time.sleep(0.001)
    with lock:
        sent_before_kill = len(events)
        flying = in_flight[0]
    stop.set()      # no new requests; those on the wire now get no answer
    kill()
    for t in threads:
        t.join(60)
    return events, sent_before_kill, flying


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--store", required=True, help="label for the report")
    p.add_argument("--log", required=True)
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--users", type=int, default=40)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--seed", type=int, default=int(time.time()))
    p.add_argument("store_args", nargs=argparse.REMAINDER)
    a = p.parse_args()
    store_args = [x for x in a.store_args if x != "--"]

    admin_token = "durability-" + uuid.uuid4().hex
    server = Server(a.root, store_args, admin_token, a.log)
    admin = {"Authorization": "Bearer " + admin_token}
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print(f"  MISMATCH: {what}")

    try:
        server.start()
        status, body = request(server.port, "POST", "/admin/v1/apps", {"id": APP, "name": "Durability"}, admin)
        if status != 201:
            raise SystemExit(f"cannot create the app: {status} {body}")
        api_key = body["apiKey"]
        request(server.port, "PUT", f"/admin/v1/apps/{APP}/metrics/{METRIC}", {"name": "Steps"}, admin)
        request(server.port, "PUT", f"/admin/v1/apps/{APP}/achievements/{ACHIEVEMENT}",
                {"name": "Five hundred steps", "trigger": "metric", "metricKey": METRIC, "metricValue": THRESHOLD}, admin)

        t0 = time.time()
        events, sent_before_kill, flying = drive(server.port, api_key, a.clients, a.users, a.seconds,
                                                 server.kill9, a.seed)
        load_s = time.time() - t0
        acked = [e for e in events if e.status is not None and 200 <= e.status < 300]
        # A 503 (database too slow, Retry-After) asks for a retry, like no answer: those are retried too.
        busy = [e for e in events if e.status == 503]
        refused = [e for e in events if e.status is not None and not 200 <= e.status < 300 and e.status != 503]
        unanswered = [e for e in events if e.status is None] + busy
        print(f"[{a.store}] sent {len(events)} events from {a.clients} clients in {load_s:.1f} s "
              f"(seed {a.seed}); kill -9 with {flying} requests in flight")
        print(f"[{a.store}] acknowledged (2xx) before the kill: {len(acked)}; refused (4xx/5xx other than 503): "
              f"{len(refused)}; unanswered (in flight at the kill): {len(unanswered) - len(busy)}; 503: {len(busy)}")
        for e in refused[:5]:
            print(f"  refused: {e.status} for {e.key}")
        check(not refused, f"{len(refused)} events got an answer other than 2xx or 503 before the kill")
        check(all(e.status == 201 for e in acked), "a first send answered other than 201")

        t1 = time.time()
        server.start()
        restart_s = time.time() - t1

        # Every unanswered request again, with its same key: 201 if the kill lost it, 202 if it had been stored.
        for e in unanswered:
            e.retry_status, rid = send_event(server.port, api_key, e)
            if e.retry_status == 202:
                e.event_id = rid
        retried_new = sum(1 for e in unanswered if e.retry_status == 201)
        retried_replayed = sum(1 for e in unanswered if e.retry_status == 202)
        bad_retries = [e for e in unanswered if e.retry_status not in (201, 202)]
        print(f"[{a.store}] restarted in {restart_s:.1f} s; retried {len(unanswered)} unanswered or 503: "
              f"{retried_new} stored now (201), {retried_replayed} had been stored before the kill (202)")
        check(not bad_retries, f"{len(bad_retries)} retries answered neither 201 nor 202")

        # Every acknowledged request again: each must be a replay of its own original event, never a new one.
        local = threading.local()

        def replay(e):
            if not hasattr(local, "conn"):
                local.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            e.replay_status, e.replay_event_id = send_event(server.port, api_key, e, local.conn)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(replay, acked))
        replays_ok = sum(1 for e in acked if e.replay_status == 202 and e.replay_event_id == e.event_id)
        print(f"[{a.store}] replayed {len(acked)} acknowledged: {replays_ok} answered 202 with their original eventId")
        check(replays_ok == len(acked), f"{len(acked) - replays_ok} acknowledged events were not replays")

        expected = {}
        for e in acked + unanswered:
            expected[e.user] = expected.get(e.user, 0) + e.value
        stored = {}
        unlocked = 0
        for n in range(a.users):
            user = f"user-{n}"
            status, body = request(server.port, "GET", f"/v1/users/{user}/metrics/{METRIC}", None,
                                   {"X-API-KEY": api_key})
            stored[user] = body["current"] if status == 200 else 0
            if status == 200:
                got = [x for x in body["achievements"] if x["key"] == ACHIEVEMENT and x.get("achievedAt")]
                unlocked += len(got)
                check(bool(got) == (stored[user] >= THRESHOLD),
                      f"{user}: total {stored[user]} but achievement unlocked={bool(got)}")
            elif status != 404 or user in expected:
                check(False, f"{user}: GET metric answered {status}")
        total_expected = sum(expected.values())
        total_stored = sum(stored.values())
        wrong = [u for u in set(expected) | set(stored) if expected.get(u, 0) != stored.get(u, 0)]
        for u in wrong[:5]:
            print(f"  {u}: stored {stored.get(u, 0)}, expected {expected.get(u, 0)}")
        print(f"[{a.store}] final total {total_stored:g} vs expected {total_expected:g} "
              f"(acknowledged {sum(e.value for e in acked)} + retried {sum(e.value for e in unanswered)}) "
              f"over {len(expected)} users; {len(wrong)} users differ")
        check(not wrong and total_stored == total_expected, "stored totals differ from the expected ones")

        status, body = request(server.port, "GET", "/v1/achievements", None, {"X-API-KEY": api_key})
        completions = next((x["completions"] for x in body if x["key"] == ACHIEVEMENT), None) if status == 200 else None
        qualifying = sum(1 for v in expected.values() if v >= THRESHOLD)
        print(f"[{a.store}] achievement '{ACHIEVEMENT}': {completions} completions, {unlocked} users show it, "
              f"{qualifying} users qualify")
        check(completions == qualifying == unlocked, "achievement completions differ from the qualifying users")
    finally:
        server.stop()

    print(f"[{a.store}] {'OK' if not failures else 'FAILED: ' + '; '.join(failures)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
