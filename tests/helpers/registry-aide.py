#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Helpers for the registry tests: they stand next to a real docker-registry.

token PORT KEY CERT ISSUER USER:PASSWORD [CONTROL]
    A token server for docker-registry's token authentication (Docker's token
    spec): GET /token?service=S&scope=repository:NAME:ACTIONS answers
    {"token": JWT} signed ES256 with KEY (openssl does the signing), CERT in the
    x5c header.  Requests without the Basic credentials get tokens without
    access.  Each token's jti is logged to stderr, never the credentials.
    The file CONTROL, read at each request, may hold "TTL [N]": tokens the
    registry takes for TTL seconds (docker-registry 2.8 accepts a token until
    60 s after its exp, so exp is TTL - 60 s from now; TTL <= 0 gives tokens
    expired when issued), and after N more tokens the server answers 503.

hold PORT UPSTREAM SECONDS METHOD REGEX N
    A proxy to UPSTREAM (host:port) that holds the Nth request of METHOD whose
    path matches REGEX for SECONDS before it forwards it, so that a token the
    client got before has expired when it arrives.  Logs each request with the
    status it got ("PATCH /v2/... 401"), and "holding ..." for the one it held.

flaky PORT UPSTREAM
    A proxy to UPSTREAM (host:port) that answers the first request of each
    method and path with 503, the second with 429 (Retry-After: 0), and
    forwards the next ones: a registry having a bad day.  GETs of the blobs of
    repositories whose name ends in /truncated always get half their body, then
    the connection closes; those of repositories whose name ends in /tampered
    get their last byte changed.  Repositories under forbidden/ are 403 with
    distribution's DENIED error.
"""
import base64
import http.client
import http.server
import json
import re
import subprocess
import sys
import time
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def der_to_raw(der):
    """ECDSA-Sig-Value (SEQUENCE of two INTEGERs) to r || s, 32 bytes each."""
    def read(buf, i):
        tag, n = buf[i], buf[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n = int.from_bytes(buf[i:i + k], "big")
            i += k
        return tag, buf[i:i + n], i + n
    _, seq, _ = read(der, 0)
    _, r, i = read(seq, 0)
    _, s, _ = read(seq, i)
    return int.from_bytes(r, "big").to_bytes(32, "big") + int.from_bytes(s, "big").to_bytes(32, "big")


def read_control(path, state):
    """(ttl, tokens left or None) from the file at path; (300, None) without one."""
    try:
        words = open(path).read().split()
    except (OSError, TypeError):
        return 300, None
    if words != state.get("words"):
        state["words"] = words
        state["issued"] = 0
    ttl = int(words[0]) if words else 300
    left = int(words[1]) - state["issued"] if len(words) > 1 else None
    return ttl, left


def token_server(port, key, cert, issuer, userpass, control=None):
    pem = open(cert).read()
    der = base64.b64decode("".join(l for l in pem.splitlines() if "-----" not in l))
    expected = "Basic " + base64.b64encode(userpass.encode()).decode()
    state = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            q = urllib.parse.parse_qs(url.query)
            if url.path != "/token":
                self.send_error(404)
                return
            access = []
            if self.headers.get("Authorization") == expected:
                for scope in q.get("scope", []):
                    kind, name, actions = scope.split(":", 2)
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
            ttl, left = read_control(control, state)
            if left is not None and left <= 0:
                print("failing a token request", file=sys.stderr, flush=True)
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            state["issued"] = state.get("issued", 0) + 1
            now = int(time.time())
            exp = now + 300 if control is None else now + ttl - 60
            header = {"typ": "JWT", "alg": "ES256", "x5c": [base64.b64encode(der).decode()]}
            claims = {"iss": issuer, "sub": "alice" if access else "", "aud": q.get("service", [""])[0],
                      "exp": exp, "nbf": min(now - 10, exp), "iat": now, "jti": str(time.monotonic_ns()),
                      "access": access}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing_input.encode(),
                                 capture_output=True, check=True).stdout
            jwt = signing_input + "." + b64url(der_to_raw(sig))
            body = json.dumps({"token": jwt, "expires_in": 300 if control is None else max(ttl, 0)}).encode()
            print("token", claims["jti"], "access" if access else "anonymous", file=sys.stderr, flush=True)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def forward(handler, upstream, port, body):
    """Send handler's request to upstream and its answer's status and headers back; returns the body."""
    conn = http.client.HTTPConnection(upstream, timeout=30)
    headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("host", "connection")}
    conn.request(handler.command, handler.path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    handler.send_response(resp.status)
    for k, v in resp.getheaders():
        if k.lower() not in ("content-length", "connection", "transfer-encoding"):
            handler.send_header(k, v.replace("http://" + upstream, "http://127.0.0.1:%d" % port))
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    conn.close()
    return data


def hold_proxy(port, upstream, seconds, method, regex, nth):
    pattern = re.compile(regex)
    seen = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def relay(self):
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length) if length else None
            if self.command == method and pattern.search(self.path):
                seen[0] += 1
                if seen[0] == int(nth):
                    print("holding", self.command, self.path, file=sys.stderr, flush=True)
                    time.sleep(float(seconds))
            data = forward(self, upstream, port, body)
            print(self.command, self.path, self._status, file=sys.stderr, flush=True)
            if self.command != "HEAD":
                self.wfile.write(data)

        def send_response(self, code, message=None):
            self._status = code
            super().send_response(code, message)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = relay

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def flaky_proxy(port, upstream):
    seen = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def relay(self):
            n = seen.get((self.command, self.path), 0)
            seen[(self.command, self.path)] = n + 1
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length) if length else None
            if "/forbidden/" in self.path:
                body = b'{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'
                self.send_response(403)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                return
            truncate = self.command == "GET" and "/truncated/blobs/" in self.path
            tamper = self.command == "GET" and "/tampered/blobs/" in self.path
            if n < 2 and not truncate and not tamper:
                print("failing", n + 1, self.command, self.path, file=sys.stderr, flush=True)
                self.send_response(503 if n == 0 else 429)
                if n == 1:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = forward(self, upstream, port, body)
            if tamper and data:
                print("tampering", self.path, file=sys.stderr, flush=True)
                data = data[:-1] + bytes([data[-1] ^ 1])
            if truncate:
                print("truncating", self.path, file=sys.stderr, flush=True)
                self.wfile.write(data[:len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = relay

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    if sys.argv[1] == "token":
        token_server(int(sys.argv[2]), *sys.argv[3:8])
    elif sys.argv[1] == "flaky":
        flaky_proxy(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "hold":
        hold_proxy(int(sys.argv[2]), *sys.argv[3:8])
    else:
        sys.exit("usage: registry-aide.py token|flaky|hold ...")
