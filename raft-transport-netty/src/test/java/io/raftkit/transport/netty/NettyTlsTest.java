package io.raftkit.transport.netty;

import static io.raftkit.transport.netty.NettyTransportTest.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS with certificates made in the test: members get in, anyone else does not. */
class NettyTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestPki clusterCa;
    private static TestPki otherCa;

    @TempDir
    Path dir;

    private final List<NettyTransport> opened = new ArrayList<>();
    private final Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
    private final ConcurrentLinkedQueue<Message> inbox1 = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Message> inbox2 = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void makeAuthorities() {
        clusterCa = new TestPki("raftkit test cluster CA");
        otherCa = new TestPki("someone else's CA");
    }

    @AfterEach
    void closeAll() {
        opened.forEach(NettyTransport::close);
    }

    @Test
    void membersWithCertificatesOfTheClusterCaTalkBothWays() throws Exception {
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        NettyTransport n2 = start("n2", clusterCa.issue("n2", subdir("n2")).pem(), inbox2);

        exchange(n1, n2);
    }

    @Test
    void keyStoresWorkLikePemFiles() throws Exception {
        Path n2Dir = subdir("n2");
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        NettyTransport n2 = start("n2", clusterCa.pkcs12(clusterCa.issue("n2", n2Dir), n2Dir, "changeit"), inbox2);

        exchange(n1, n2);
    }

    @Test
    void nodeWithACertificateFromAnotherCaCannotConnect() throws Exception {
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        // Trusts the cluster CA (so it would accept n1), but its own certificate is not the cluster's.
        NettyTransport intruder = start("n2", otherCa.issue("n2", subdir("n2"), clusterCa).pem(), inbox2);

        assertLockedOut(n1, intruder);
    }

    @Test
    void nodeWithoutTlsCannotConnect() throws Exception {
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        NettyTransport plain = start("n2", null, inbox2);

        assertLockedOut(n1, plain);
    }

    @Test
    void memberPresentingTheCertificateOfAnotherMemberIsRefusedAndCounted() throws Exception {
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        // A valid certificate of the cluster's CA, but issued to n3: it must not speak as n2.
        NettyTransport impostor = start("n2", clusterCa.issue("n3", subdir("n3")).pem(), inbox2);

        await().atMost(WAIT).until(() -> {
            impostor.send(new Heartbeat("n2", "n1", 1, 1, 0));
            n1.send(new Heartbeat("n1", "n2", 1, 1, 0));
            // n1 refuses it as a client of n1 (accepting side) and as the server n1 dialled.
            return counter(n1.meterRegistry(), "raft.transport.connections.rejected", "reason",
                    "certificate_mismatch") >= 2;
        });
        assertThat(inbox1).isEmpty();
        assertThat(inbox2).isEmpty();
    }

    @Test
    void certificateNamesItsNodeByDnsOrUriAlternativeNameOnly() throws Exception {
        X509Certificate n1 = clusterCa.issue("n1", subdir("n1")).certificate();

        assertThat(PeerCertificates.names(n1, "n1")).isTrue();
        assertThat(PeerCertificates.names(n1, "n2")).isFalse();
        assertThat(PeerCertificates.names(n1, "N1")).as("exact match").isFalse();
        assertThat(PeerCertificates.names(n1, "127.0.0.1")).as("an IP SAN is not a node name").isFalse();
        X509Certificate byUri = clusterCa.issueWithUri("n2", subdir("uri")).certificate();
        assertThat(PeerCertificates.names(byUri, "n2")).isTrue();
        assertThat(PeerCertificates.names(byUri, "n1")).isFalse();
    }

    @Test
    void certificateNamingTheNodeByUriIsAccepted() throws Exception {
        NettyTransport n1 = start("n1", clusterCa.issue("n1", subdir("n1")).pem(), inbox1);
        NettyTransport n2 = start("n2", clusterCa.issueWithUri("n2", subdir("n2")).pem(), inbox2);

        exchange(n1, n2);
    }

    private void exchange(NettyTransport n1, NettyTransport n2) {
        Heartbeat ping = new Heartbeat("n1", "n2", 1, 1, 0);
        HeartbeatResponse pong = new HeartbeatResponse("n2", "n1", 1, 0);
        await().atMost(WAIT).until(() -> {
            n1.send(ping);
            n2.send(pong);
            return inbox2.contains(ping) && inbox1.contains(pong);
        });
    }

    private void assertLockedOut(NettyTransport n1, NettyTransport intruder) {
        await().atMost(WAIT).until(() -> {
            intruder.send(new Heartbeat("n2", "n1", 1, 1, 0));
            return counter(n1.meterRegistry(), "raft.transport.connections.rejected", "reason", "tls") >= 1;
        });
        assertThat(inbox1).isEmpty();
    }

    private NettyTransport start(String id, TlsConfig tls, ConcurrentLinkedQueue<Message> inbox) {
        NettyTransport transport = new NettyTransport(TestNodes.config().tls(tls).build());
        opened.add(transport);
        transport.start(TestNodes.context(id, members), inbox::add);
        return transport;
    }

    private Path subdir(String name) throws java.io.IOException {
        return Files.createDirectories(dir.resolve(name));
    }
}
