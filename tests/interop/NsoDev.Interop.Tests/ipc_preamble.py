#!/usr/bin/python3
"""An NSO IPC preamble client written from docs/NSO-NOTES.md section 4 alone (stdlib only).

It shares no code with NsoDev: it plays NSO 6.2.5's C library (MD5) or Java library (SHA-256)
as a MAAPI client, prints what the daemon sent as one JSON object, and exits 0 when it was
admitted with a reply of status 0, 1 otherwise.

  client -> daemon  87 0052 08020500 3c 12    whole hello, one write (Java: c7 ... 00 00)
  daemon -> client  0b + 16 random bytes      (Java: 32)
  client -> daemon  0c + md5(secret + challenge)   (Java: sha256)
  daemon -> client  00, then the 9-byte reply; or 03 and a close

Usage: ipc_preamble.py --tcp HOST:PORT | --unix PATH  --access-file FILE [--sha256] [--wrong-secret]
"""
import argparse
import hashlib
import json
import socket
import struct
import sys

MAAPI = 7
ASK_MD5 = 0x80
ASK_SHA256 = 0x80 | 0x40
CHALLENGE, ANSWER = 11, 12


def recv_exact(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_to_close(sock):
    data = b""
    try:
        while True:
            chunk = sock.recv(256)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True


def main():
    parser = argparse.ArgumentParser()
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp")
    where.add_argument("--unix")
    parser.add_argument("--access-file", required=True)
    parser.add_argument("--sha256", action="store_true", help="play the Java library instead of the C library")
    parser.add_argument("--wrong-secret", action="store_true")
    args = parser.parse_args()

    with open(args.access_file, "rb") as f:
        secret = f.read()  # the file's bytes exactly, trailing newline included
    if not args.sha256:
        secret = secret[:1007].split(b"\0", 1)[0]  # how the C library reads the file
    if args.wrong_secret:
        secret = b"not-" + secret

    if args.tcp:
        host, port = args.tcp.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)), timeout=10)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(args.unix)

    if args.sha256:
        hello = struct.pack(">BHIBB", MAAPI | ASK_SHA256, 82, 0x08020500, 0, 0)
        hash_function, length = hashlib.sha256, 32
    else:
        hello = struct.pack(">BHIBB", MAAPI | ASK_MD5, 82, 0x08020500, 60, 18)
        hash_function, length = hashlib.md5, 16
    sock.sendall(hello)  # one write: the daemon reads all 9 bytes before it challenges
    out = {"hello": hello.hex()}

    tagged = recv_exact(sock, 1 + length)
    out["challenge"] = tagged[:1].hex()
    out["challenge_length"] = len(tagged) - 1
    if len(tagged) != 1 + length or tagged[0] != CHALLENGE:
        rest, closed = read_to_close(sock)
        out["after"], out["closed"] = rest.hex(), closed
        print(json.dumps(out))
        return 1

    sock.sendall(bytes([ANSWER]) + hash_function(secret + tagged[1:]).digest())
    verdict = recv_exact(sock, 1)
    out["verdict"] = verdict.hex()
    if verdict == b"\x00":
        reply = recv_exact(sock, 9)
        out["reply"] = reply.hex()
        print(json.dumps(out))
        return 0 if len(reply) == 9 and reply[0] == 0 else 1

    sock.settimeout(5)
    rest, closed = read_to_close(sock)
    out["after"], out["closed"] = rest.hex(), closed
    print(json.dumps(out))
    return 1


if __name__ == "__main__":
    sys.exit(main())
