package io.raftkit.transport.netty;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test, issuing node certificates for 127.0.0.1 that name
 * their node id as a DNS subject alternative name.
 */
final class TestPki {

    private final AtomicLong serial = new AtomicLong(1);
    private final KeyPair caKey;
    private final X509Certificate caCert;
    private final X500Name caName;

    TestPki(String name) {
        try {
            caKey = ecKey();
            caName = new X500Name("CN=" + name);
            caCert = sign(caName, caKey.getPublic(), true, null);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A node's files: certificate chain, key and the CA to trust, written into {@code dir}. */
    record NodeFiles(Path certificateChain, Path privateKey, Path trustedCertificates, KeyPair key,
                     X509Certificate certificate) {
        TlsConfig pem() {
            return TlsConfig.pem(certificateChain, privateKey, trustedCertificates);
        }
    }

    NodeFiles issue(String nodeId, Path dir) {
        return issue(nodeId, dir, this);
    }

    /** A node certificate signed by this CA, trusting the CA of {@code trusted}. */
    NodeFiles issue(String nodeId, Path dir, TestPki trusted) {
        return issue(nodeId, dir, trusted, new GeneralName(GeneralName.dNSName, nodeId));
    }

    /** A node certificate naming the node by a URI subject alternative name instead of a DNS one. */
    NodeFiles issueWithUri(String nodeId, Path dir) {
        return issue(nodeId, dir, this, new GeneralName(GeneralName.uniformResourceIdentifier,
                PeerCertificates.URI_PREFIX + nodeId));
    }

    private NodeFiles issue(String nodeId, Path dir, TestPki trusted, GeneralName nodeName) {
        try {
            KeyPair key = ecKey();
            X509Certificate cert = sign(new X500Name("CN=" + nodeId), key.getPublic(), false, nodeName);
            Path chain = dir.resolve(nodeId + ".crt");
            Path keyFile = dir.resolve(nodeId + ".key");
            Path trust = dir.resolve(nodeId + "-trust.crt");
            Files.writeString(chain, pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getPrivate().getEncoded()));
            Files.writeString(trust, pem("CERTIFICATE", trusted.caCert.getEncoded()));
            return new NodeFiles(chain, keyFile, trust, key, cert);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same node identity as PKCS12 key and trust stores. */
    TlsConfig pkcs12(NodeFiles node, Path dir, String password) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("node", node.key().getPrivate(), password.toCharArray(),
                    new Certificate[] {node.certificate(), caCert});
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", caCert);
            Path keyStore = dir.resolve("node.p12");
            Path trustStore = dir.resolve("trust.p12");
            try (OutputStream out = Files.newOutputStream(keyStore)) {
                keys.store(out, password.toCharArray());
            }
            try (OutputStream out = Files.newOutputStream(trustStore)) {
                trust.store(out, password.toCharArray());
            }
            return TlsConfig.pkcs12(keyStore, password, trustStore, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate sign(X500Name subject, java.security.PublicKey key, boolean ca, GeneralName nodeName)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName == null ? subject : caName,
                BigInteger.valueOf(serial.getAndIncrement()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, key);
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        } else {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    nodeName}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(
                        caKey == null ? null : caKey.getPrivate())));
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
