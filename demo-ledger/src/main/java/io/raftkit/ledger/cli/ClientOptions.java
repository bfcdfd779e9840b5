package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.LedgerClient;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options every client command shares: which nodes to talk to and how long to keep trying. */
final class ClientOptions {

    /** The local cluster's HTTP URLs, 3 nodes (a 5-node local cluster also answers through these). */
    static final String LOCAL_SERVERS = "http://127.0.0.1:8081,http://127.0.0.1:8082,http://127.0.0.1:8083";

    @Option(names = "--server", paramLabel = "URL,...", defaultValue = LOCAL_SERVERS,
            description = "Base URLs of some or all nodes, comma-separated (default: the local cluster, ${DEFAULT-VALUE}).")
    String servers;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to keep retrying (leader changes, nodes down) before giving up (default ${DEFAULT-VALUE}).")
    Duration timeout;

    LedgerClient client() {
        return LedgerClient.builder()
                .servers(LedgerClient.parseServers(servers))
                .requestTimeout(timeout.compareTo(Duration.ofSeconds(5)) < 0 ? timeout : Duration.ofSeconds(5))
                .deadline(timeout)
                .build();
    }
}
