package io.opsdb.relay.secondary;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/**
 * The configuration contract gives intervals as plain, possibly fractional, seconds
 * ({@code LSN_CHECK_INTERVAL=0.1}); Spring's own duration syntax ({@code 100ms}, {@code PT0.1S}) is
 * accepted too. Negative intervals are refused.
 */
@Component
@ConfigurationPropertiesBinding
class SecondsDurationConverter implements Converter<String, Duration> {

    private static final Pattern DECIMAL_SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

    @Override
    public Duration convert(String source) {
        String text = source.strip();
        if (DECIMAL_SECONDS.matcher(text).matches()) {
            return Duration.ofNanos(new BigDecimal(text).movePointRight(9).longValueExact());
        }
        Duration duration = DurationStyle.detectAndParse(text);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("must not be negative: '" + source + "'");
        }
        return duration;
    }
}
