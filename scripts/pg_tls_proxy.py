#!/usr/bin/env python3
"""A TLS terminator in front of a PostgreSQL server, for the TLS tests.

The PostgreSQL the tests run (pgserver's build) has no TLS support, so this stands in for a server
with TLS on: it speaks the start of PostgreSQL's protocol (a client's SSLRequest is answered 'S'
and the connection turns into TLS with the given certificate), then relays the decrypted bytes to
the real server. A client that doesn't ask for TLS is refused ('N', then closed), so a connection
that works through it was encrypted.

    scripts/pg_tls_proxy.py UPSTREAM_HOST UPSTREAM_PORT CERT KEY

prints the loopback port it listens on, then serves until killed.
"""
import socket
import ssl
import struct
import sys
import threading

SSL_REQUEST = 80877103


def relay(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, upstream, context):
    try:
        header = client.recv(8, socket.MSG_WAITALL)
        if len(header) != 8 or struct.unpack("!ii", header) != (8, SSL_REQUEST):
            client.sendall(b"N")
            client.close()
            return
        client.sendall(b"S")
        secure = context.wrap_socket(client, server_side=True)
        server = socket.create_connection(upstream)
    except (OSError, ssl.SSLError):
        client.close()
        return
    threading.Thread(target=relay, args=(secure, server), daemon=True).start()
    relay(server, secure)


def main():
    host, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, (host, port), context), daemon=True).start()


if __name__ == "__main__":
    main()
