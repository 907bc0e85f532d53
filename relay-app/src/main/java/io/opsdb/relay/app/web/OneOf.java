package io.opsdb.relay.app.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;
import java.util.TreeSet;

/**
 * A text from a closed set of values. The message lists them in alphabetical order; the OpenAPI description shows
 * them as the property's {@code enum}. Null is valid unless {@link #required()}, and then refused with the same
 * message.
 */
@Documented
@Constraint(validatedBy = OneOf.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface OneOf {

    /** The values allowed, in the order the description lists them. */
    String[] value();

    /** Whether null (the field left out) is refused too. */
    boolean required() default false;

    String message() default "";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks the value, and words the message from the values. */
    class Validator implements ConstraintValidator<OneOf, String> {

        private Set<String> allowed;
        private boolean required;
        private String message;

        @Override
        public void initialize(OneOf oneOf) {
            this.allowed = Set.of(oneOf.value());
            this.required = oneOf.required();
            this.message = messageOf(oneOf);
        }

        /** The message a value outside the annotation's values gets. */
        public static String messageOf(OneOf oneOf) {
            return oneOf.message().isEmpty()
                    ? "must be one of " + String.join(", ", new TreeSet<>(Set.of(oneOf.value())))
                    : oneOf.message();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null ? !required : allowed.contains(value)) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(message).addConstraintViolation();
            return false;
        }
    }
}
