package io.raftkit.ledger;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Money on the wire is a decimal string with at most two fraction digits ("12.50"); inside it is a
 * {@code long} of cents. Parsing never rounds and never wraps: anything else is rejected.
 */
public final class Money {

    private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]*)(\\.[0-9]{1,2})?");
    // Long.MAX_VALUE cents has 19 digits: a longer string cannot be in range, and is not worth parsing
    private static final int MAX_LENGTH = 24;

    private Money() {
    }

    /**
     * Parses a non-negative amount.
     *
     * @throws IllegalArgumentException with a message saying why, if the text is not a decimal with
     *                                  at most two fraction digits that fits in a long of cents
     */
    public static long parseCents(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an amount is a decimal string such as \"12.50\"");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("amount is beyond the range of cents");
        }
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException("amount \"" + text
                    + "\" is not a non-negative decimal with at most two fraction digits, such as \"12.50\"");
        }
        try {
            return new BigDecimal(text).movePointRight(2).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("amount " + text + " is beyond the range of cents (at most "
                    + format(Long.MAX_VALUE) + ")");
        }
    }

    /** Formats cents as a decimal string with exactly two fraction digits. */
    public static String format(long cents) {
        String sign = cents < 0 ? "-" : "";
        // Math.abs would overflow on Long.MIN_VALUE; BigDecimal does not
        BigDecimal abs = BigDecimal.valueOf(cents).abs();
        return sign + abs.movePointLeft(2).setScale(2).toPlainString();
    }
}
