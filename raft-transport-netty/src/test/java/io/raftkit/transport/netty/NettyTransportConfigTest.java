package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NettyTransportConfigTest {

    private NettyTransportConfig.Builder valid() {
        return NettyTransportConfig.builder("n1", "c").member("n1", TestNodes.loopback(7001))
                .member("n2", TestNodes.loopback(7002));
    }

    @Test
    void defaultsAreSensibleAndBindAddressDefaultsToOwnMemberAddress() {
        NettyTransportConfig config = valid().build();

        assertThat(config.bindAddress()).isEqualTo(TestNodes.loopback(7001));
        assertThat(config.maxFrameBytes()).isEqualTo(16 << 20);
        assertThat(config.tlsConfig()).isEmpty();
    }

    @Test
    void nodeMustBeAMember() {
        assertThatThrownBy(() -> NettyTransportConfig.builder("n3", "c").member("n1", TestNodes.loopback(1)).build())
                .hasMessageContaining("members").hasMessageContaining("n3");
    }

    @Test
    void eachInvalidValueIsRejectedNamingItsField() {
        assertThatThrownBy(() -> NettyTransportConfig.builder(" ", "c").build()).hasMessageStartingWith("nodeId");
        assertThatThrownBy(() -> NettyTransportConfig.builder("n1", "").member("n1", TestNodes.loopback(1)).build())
                .hasMessageStartingWith("clusterId");
        assertThatThrownBy(() -> valid().maxFrameBytes(10).build()).hasMessageStartingWith("maxFrameBytes");
        assertThatThrownBy(() -> valid().outboundQueueCapacity(0).build()).hasMessageStartingWith("outboundQueueCapacity");
        assertThatThrownBy(() -> valid().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("reconnectBackoffMax");
        assertThatThrownBy(() -> valid().reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("reconnectBackoffMin");
        assertThatThrownBy(() -> valid().handshakeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("handshakeTimeout");
        assertThatThrownBy(() -> valid().ioThreads(0).build()).hasMessageStartingWith("ioThreads");
        assertThatThrownBy(() -> valid().members(Map.of("n4", TestNodes.loopback(1))).member("", TestNodes.loopback(2)).build())
                .hasMessageStartingWith("members");
    }

    @Test
    void tlsFilesMustBeReadable() {
        Path missing = Path.of("/nonexistent/node.pem");
        assertThatThrownBy(() -> TlsConfig.pem(missing, missing, missing))
                .hasMessageStartingWith("tls.certificateChain");
    }
}
