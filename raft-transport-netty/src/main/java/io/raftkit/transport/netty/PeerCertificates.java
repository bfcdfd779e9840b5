package io.raftkit.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Ties a TLS peer's certificate to the node id it claims in its handshake, so a certificate from
 * the cluster's CA speaks only for the member it was issued to.
 *
 * <p>The peer's leaf certificate must carry a subject alternative name that is either of type DNS
 * and equal to the node id, or of type URI and equal to {@code urn:raftkit:node:<id>}; the
 * comparison is exact (case-sensitive, as node ids are). The subject's CN is not looked at: a
 * name-constrained CA can restrict SANs, but not CNs.
 */
final class PeerCertificates {

    /** Prefix of the URI form of a node's name in a certificate. */
    static final String URI_PREFIX = "urn:raftkit:node:";

    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;

    private PeerCertificates() {
    }

    /**
     * Checks the connection's peer certificate names {@code nodeId}; does nothing on a plain
     * connection.
     *
     * @throws ProtocolException with {@link RejectReason#CERTIFICATE_MISMATCH} otherwise
     */
    static void requireNames(ChannelHandlerContext ctx, String nodeId) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return;
        }
        X509Certificate leaf;
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            leaf = (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            throw new ProtocolException(RejectReason.CERTIFICATE_MISMATCH,
                    "node '" + nodeId + "' presented no usable certificate: " + e.getMessage(), e);
        }
        if (!names(leaf, nodeId)) {
            throw new ProtocolException(RejectReason.CERTIFICATE_MISMATCH, "node '" + nodeId
                    + "' presented a certificate for " + describe(leaf) + ", which does not name it (expected a"
                    + " DNS subject alternative name '" + nodeId + "' or a URI one '" + URI_PREFIX + nodeId + "')");
        }
    }

    /** Whether the certificate names the node, as the class comment says. */
    static boolean names(X509Certificate certificate, String nodeId) {
        for (List<?> san : alternativeNames(certificate)) {
            int type = (Integer) san.get(0);
            Object value = san.get(1);
            if (type == SAN_DNS && nodeId.equals(value) || type == SAN_URI && (URI_PREFIX + nodeId).equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static Collection<List<?>> alternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String describe(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "' with alternative names "
                + alternativeNames(certificate).stream().map(san -> String.valueOf(san.get(1))).toList();
    }
}
