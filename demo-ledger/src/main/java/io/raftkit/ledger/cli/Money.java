package io.raftkit.ledger.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import picocli.CommandLine;

/** Money on the command line: a decimal with at most two fraction digits, shown with two. */
final class Money implements CommandLine.ITypeConverter<BigDecimal> {

    @Override
    public BigDecimal convert(String value) {
        try {
            BigDecimal amount = new BigDecimal(value.trim());
            if (amount.scale() > 2) {
                throw new CommandLine.TypeConversionException("'" + value + "' has more than two fraction digits");
            }
            return amount;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not an amount like 12.50");
        }
    }

    static String show(BigDecimal amount) {
        return amount == null ? "-" : amount.setScale(Math.max(2, amount.scale()), RoundingMode.UNNECESSARY).toPlainString();
    }
}
