package io.raftkit.transport.netty;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two TLS contexts of a node, built once at start from its {@link TlsConfig}: one for
 * accepted connections (client certificate required) and one for dialled connections (presents
 * this node's certificate). Both use the JDK's TLS and only TLS 1.3 and 1.2.
 */
record TlsContexts(SslContext server, SslContext client) {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static TlsContexts build(TlsConfig config) {
        try {
            SslContextBuilder server;
            SslContextBuilder client = SslContextBuilder.forClient();
            if (config instanceof TlsConfig.Pem pem) {
                server = SslContextBuilder.forServer(pem.certificateChain().toFile(), pem.privateKey().toFile())
                        .trustManager(pem.trustedCertificates().toFile());
                client.keyManager(pem.certificateChain().toFile(), pem.privateKey().toFile())
                        .trustManager(pem.trustedCertificates().toFile());
            } else {
                TlsConfig.KeyStores stores = (TlsConfig.KeyStores) config;
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(stores.keyStore(), stores.type(), stores.keyStorePassword()),
                        stores.keyStorePassword().toCharArray());
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(stores.trustStore(), stores.type(), stores.trustStorePassword()));
                server = SslContextBuilder.forServer(keys).trustManager(trust);
                client.keyManager(keys).trustManager(trust);
            }
            server.clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
            // Netty 4.2 verifies the server's name by default; null turns that off on request.
            client.sslProvider(SslProvider.JDK).protocols(PROTOCOLS)
                    .endpointIdentificationAlgorithm(config.verifyHostname() ? "HTTPS" : null);
            return new TlsContexts(server.build(), client.build());
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("tls: cannot load certificates or keys: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path path, String type, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
