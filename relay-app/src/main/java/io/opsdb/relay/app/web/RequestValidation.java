package io.opsdb.relay.app.web;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.springframework.boot.validation.autoconfigure.ValidationConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Bean Validation of request records, with violations named by the fields' JSON names ({@link JsonPropertyNames}). */
@Configuration(proxyBeanMethods = false)
public class RequestValidation {

    @Bean
    ValidationConfigurationCustomizer jsonPropertyNames() {
        return configuration -> {
            if (configuration instanceof HibernateValidatorConfiguration hibernate) {
                hibernate.propertyNodeNameProvider(new JsonPropertyNames());
            }
        };
    }

    /** A validator configured as the application's, for tests that validate without Spring. */
    public static Validator newValidator() {
        return Validation.byProvider(HibernateValidator.class)
                .configure()
                .propertyNodeNameProvider(new JsonPropertyNames())
                .buildValidatorFactory()
                .getValidator();
    }
}
