package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NettyTransportConfigTest {

    private NettyTransportConfig.Builder valid() {
        return NettyTransportConfig.builder();
    }

    @Test
    void defaultsAreSensibleAndTheBindAddressIsTheNodesOwnMemberAddress() {
        NettyTransportConfig config = NettyTransportConfig.defaults();

        assertThat(config.bindAddressOverride()).isEmpty();
        assertThat(config.maxFrameBytes()).isEqualTo(16 << 20);
        assertThat(config.outboundQueueBytes()).isEqualTo(64L << 20);
        assertThat(config.tlsConfig()).isEmpty();
    }

    @Test
    void maxMessageBytesIsTheFrameLimitLessTheEnvelopeAndTheWorstEntryOverhead() {
        NettyTransport transport = new NettyTransport(valid().maxFrameBytes(1 << 20).build());

        // (1 MiB - 2048) * 24 / 36
        assertThat(transport.maxMessageBytes()).isEqualTo(((1 << 20) - 2048) * 2L / 3);
        assertThat(new NettyTransport(NettyTransportConfig.defaults()).maxMessageBytes())
                .as("the default frame carries the server's default maxAppendBytes").isGreaterThan(1 << 20);
    }

    @Test
    void eachInvalidValueIsRejectedNamingItsField() {
        assertThatThrownBy(() -> valid().maxFrameBytes(10).build()).hasMessageStartingWith("maxFrameBytes");
        assertThatThrownBy(() -> valid().outboundQueueCapacity(0).build()).hasMessageStartingWith("outboundQueueCapacity");
        assertThatThrownBy(() -> valid().maxFrameBytes(1 << 20).outboundQueueBytes((1 << 20) - 1).build())
                .hasMessageStartingWith("outboundQueueBytes").hasMessageContaining("maxFrameBytes");
        assertThatThrownBy(() -> valid().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("reconnectBackoffMax");
        assertThatThrownBy(() -> valid().reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)).build())
                .hasMessageStartingWith("reconnectBackoffMin");
        assertThatThrownBy(() -> valid().handshakeTimeout(Duration.ofSeconds(-1)).build())
                .hasMessageStartingWith("handshakeTimeout");
        assertThatThrownBy(() -> valid().ioThreads(0).build()).hasMessageStartingWith("ioThreads");
    }

    @Test
    void tlsFilesMustBeReadable() {
        Path missing = Path.of("/nonexistent/node.pem");
        assertThatThrownBy(() -> TlsConfig.pem(missing, missing, missing))
                .hasMessageStartingWith("tls.certificateChain");
    }
}
