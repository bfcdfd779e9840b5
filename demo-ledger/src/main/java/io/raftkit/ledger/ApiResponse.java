package io.raftkit.ledger;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer of the ledger API, independent of Netty.
 *
 * @param status      the HTTP status
 * @param contentType its content type
 * @param body        its body
 * @param headers     extra headers (Retry-After, Allow, a relayed Raft-Leader)
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json";

    public ApiResponse {
        headers = Map.copyOf(headers);
    }

    static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, body, Map.of());
    }

    static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    ApiResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, body, h);
    }

    /** The body as UTF-8 text (for tests and logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
