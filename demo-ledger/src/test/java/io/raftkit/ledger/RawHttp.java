package io.raftkit.ledger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw TCP client, for requests no well-behaved HTTP client sends. */
final class RawHttp implements AutoCloseable {

    final Socket socket;

    RawHttp(InetSocketAddress address) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(address.getHostString(), address.getPort()), 5_000);
            socket.setSoTimeout(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server has sent something (or closed) that is not read yet. */
    boolean hasData() {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Everything the server sends until it closes the connection (or the socket timeout). */
    String readUntilClosed() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            out.writeBytes("<timeout>".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            out.writeBytes(("<" + e.getMessage() + ">").getBytes(StandardCharsets.US_ASCII));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
