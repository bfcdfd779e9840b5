package io.raftkit.transport.netty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Mutual TLS between nodes, with the JDK's TLS implementation. Each node presents its
 * certificate both when it accepts a connection and when it opens one, and accepts a peer only
 * if the peer's certificate chains to the trusted certificates: a node without a valid client
 * certificate cannot connect.
 *
 * <p>When {@code verifyHostname} is true (the default of the factories), a node also checks that
 * the certificate of the peer it connects to names the host it dialled (a subject alternative
 * name with the IP address or DNS name of the member's address).
 */
public sealed interface TlsConfig permits TlsConfig.Pem, TlsConfig.KeyStores {

    /** Whether to check that a peer's certificate names the address we connected to. */
    boolean verifyHostname();

    /**
     * Certificates and key in PEM files.
     *
     * @param certificateChain    this node's certificate, then its chain (PEM, {@code CERTIFICATE})
     * @param privateKey          this node's key, unencrypted PKCS#8 PEM ({@code PRIVATE KEY})
     * @param trustedCertificates the CA certificates that sign members' certificates (PEM)
     * @param verifyHostname      see {@link TlsConfig}
     */
    record Pem(Path certificateChain, Path privateKey, Path trustedCertificates, boolean verifyHostname)
            implements TlsConfig {
        public Pem {
            requireReadable(certificateChain, "tls.certificateChain");
            requireReadable(privateKey, "tls.privateKey");
            requireReadable(trustedCertificates, "tls.trustedCertificates");
        }
    }

    /**
     * Key and trust in key stores (PKCS12 or JKS).
     *
     * @param keyStore           holds this node's private key and certificate chain
     * @param keyStorePassword   password of the key store and of the key in it
     * @param trustStore         holds the trusted CA certificates
     * @param trustStorePassword password of the trust store
     * @param type               key store type for both, e.g. {@code PKCS12}
     * @param verifyHostname     see {@link TlsConfig}
     */
    record KeyStores(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
                     String type, boolean verifyHostname) implements TlsConfig {
        public KeyStores {
            requireReadable(keyStore, "tls.keyStore");
            requireReadable(trustStore, "tls.trustStore");
            Objects.requireNonNull(keyStorePassword, "tls.keyStorePassword");
            Objects.requireNonNull(trustStorePassword, "tls.trustStorePassword");
            Objects.requireNonNull(type, "tls.type");
        }

        @Override
        public String toString() {
            // Passwords stay out of logs.
            return "KeyStores[keyStore=" + keyStore + ", trustStore=" + trustStore + ", type=" + type
                    + ", verifyHostname=" + verifyHostname + "]";
        }
    }

    /** PEM files, with hostname verification. */
    static TlsConfig pem(Path certificateChain, Path privateKey, Path trustedCertificates) {
        return new Pem(certificateChain, privateKey, trustedCertificates, true);
    }

    /** PKCS12 key and trust stores, with hostname verification. */
    static TlsConfig pkcs12(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
        return new KeyStores(keyStore, keyStorePassword, trustStore, trustStorePassword, "PKCS12", true);
    }

    private static void requireReadable(Path path, String field) {
        Objects.requireNonNull(path, field);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(field + " is not a readable file: " + path);
        }
    }
}
