#!/usr/bin/env python3
"""The rehearsal's stand-in for a Phoenix release with a database (the example app has no Postgres
driver and hex is unreachable here): GET / reads (a count of items), POST /items writes a row and
answers its id, GET /headers echoes the request headers, /ping is the health check. Each connection
thread keeps its own database session open, as an Ecto pool does. A write refused by a frozen
database (SQLSTATE 25006) answers 503 with `"frozen": true`; any other database error 500."""
import json, os, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import psycopg2.errors

cloud = os.environ["STANDIN_CLOUD"]
url = os.environ["DATABASE_URL"]
local = threading.local()


def session():
    conn = getattr(local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg2.connect(url)
        conn.autocommit = True
        local.conn = conn
    return conn


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, code, body):
        data = json.dumps({"cloud": cloud, "version": cloud, **body}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def query(self, sql, args=()):
        with session().cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchone()[0]

    def do_GET(self):
        if self.path == "/ping":
            return self.reply(200, {})
        if self.path == "/headers":
            return self.reply(200, {"headers": {k.lower(): ", ".join(self.headers.get_all(k)) for k in self.headers.keys()}})
        try:
            self.reply(200, {"items": self.query("SELECT count(*) FROM items")})
        except psycopg2.Error as e:
            self.reply(500, {"error": str(e).strip()})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            self.reply(201, {"id": self.query("INSERT INTO items (body) VALUES (%s) RETURNING id", (f"written through {cloud}",))})
        except psycopg2.errors.ReadOnlySqlTransaction as e:
            self.reply(503, {"frozen": True, "error": str(e).strip()})
        except psycopg2.Error as e:
            self.reply(500, {"error": str(e).strip()})

    def log_message(self, *args):
        """Silent: the load would fill the unit's log."""


# Stopped with the rehearsal's namespaces: no graceful drain needed.
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
