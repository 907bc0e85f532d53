package io.opsdb.relay.app.web;

import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * How request bodies bind to their records: strictly, so that a value of the wrong JSON type is refused naming its
 * field ({@link JsonBindingProblems}) instead of being coerced. Jackson would otherwise read {@code 42} as the text
 * {@code "42"}, {@code "12"} or {@code 1.5} as a whole number, {@code 1e400} as infinity and a number as an instant
 * since the epoch; an unknown field is refused rather than ignored.
 */
@Configuration(proxyBeanMethods = false)
public class ApiJson {

    @Bean
    JsonMapperBuilderCustomizer strictRequestBodies() {
        return ApiJson::configure;
    }

    /** Applies the API's binding rules to {@code builder}; public for tests that bind without Spring. */
    public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        return builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(
                        LogicalType.Textual,
                        config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(
                        LogicalType.Integer,
                        config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(
                        LogicalType.Float,
                        config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(new SimpleModule("relay-api")
                        .addDeserializer(Instant.class, new IsoInstant())
                        .addDeserializer(Double.class, new FiniteDouble()));
    }

    /**
     * An instant as ISO-8601 text, read as {@link Instant#parse} reads it, at the database's microsecond precision
     * ({@link StorableValues#parseInstant}); whether the database can store it is the validator's question.
     */
    static final class IsoInstant extends ValueDeserializer<Instant> {

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_STRING)) {
                return (Instant) context.handleUnexpectedToken(Instant.class, parser);
            }
            String text = parser.getString();
            Optional<Instant> instant = StorableValues.parseInstant(text);
            if (instant.isEmpty()) {
                throw context.weirdStringException(text, Instant.class, "not an ISO-8601 instant");
            }
            return instant.get();
        }
    }

    /** A JSON number as a double that is finite: {@code 1e400} is not a number PostgreSQL stores as sent. */
    static final class FiniteDouble extends ValueDeserializer<Double> {

        @Override
        public Double deserialize(JsonParser parser, DeserializationContext context) {
            if (!parser.hasToken(JsonToken.VALUE_NUMBER_INT) && !parser.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
                return (Double) context.handleUnexpectedToken(Double.class, parser);
            }
            double value = parser.getDoubleValue();
            if (!Double.isFinite(value)) {
                throw context.weirdNumberException(value, Double.class, "not a finite number");
            }
            return value;
        }
    }
}
