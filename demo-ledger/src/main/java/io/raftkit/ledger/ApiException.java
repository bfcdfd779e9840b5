package io.raftkit.ledger;

import java.util.Map;

/**
 * A request the API answers with an error: {@code {"error":"CODE","message":"..."}}.
 * Thrown while validating, before anything is proposed, so nothing has changed.
 */
final class ApiException extends RuntimeException {

    final int status;
    final String code;
    final Map<String, String> headers; // Retry-After, Allow

    ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false); // an expected answer: no stack trace
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    /** A 503 the client should retry after a second. */
    static ApiException unavailable(String code, String message) {
        return new ApiException(503, code, message, Map.of("Retry-After", "1"));
    }
}
