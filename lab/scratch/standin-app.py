#!/usr/bin/env python3
"""A stand-in for a release: answers the health path (200, or 503 when the release has no `healthy`
file), `/` with its version and node name, `/env` with the environment it was started with, and
`/slow` after a second, `POST /echo` like `/` once its body has arrived. Keep-alive like a real app; on SIGTERM it stops listening, finishes the
requests in flight and exits."""
import json, os, signal, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

here = os.path.dirname(os.path.realpath(__file__))
version = open(os.path.join(here, "VERSION")).read().strip()
healthy = os.path.exists(os.path.join(here, "healthy"))
health_path = os.environ.get("STANDIN_HEALTH_PATH", "/ping")
busy = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.do_GET()

    def do_GET(self):
        global busy
        with lock:
            busy += 1
        try:
            if self.path == health_path:
                code, body = (200, b"ok") if healthy else (503, b"unhealthy")
            elif self.path == "/env":
                code, body = 200, json.dumps(dict(os.environ)).encode()
            else:
                if self.path == "/slow":
                    time.sleep(1)
                code, body = 200, f"{version} {os.environ.get('RELEASE_NODE', '')}".encode()
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with lock:
                busy -= 1

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler)
server.daemon_threads = True
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
server.serve_forever()
server.socket.close()
while True:
    with lock:
        if busy == 0:
            break
    time.sleep(0.05)
os._exit(0)
