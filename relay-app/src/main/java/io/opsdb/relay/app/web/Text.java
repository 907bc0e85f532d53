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

/**
 * Text that is not blank and at most {@link #maxLength()} characters long. Characters are Unicode code points, as
 * JSON Schema's {@code maxLength} counts them (Bean Validation's {@code @Size} counts UTF-16 units, so a text of
 * characters beyond the Basic Multilingual Plane would be refused at half its length). Null is valid.
 */
@Documented
@Constraint(validatedBy = Text.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Text {

    /** The most characters (code points) the text may have. */
    int maxLength();

    String message() default "must be at most {maxLength} characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Blank text and text too long, each with its own message. */
    class Validator implements ConstraintValidator<Text, String> {

        private int maxLength;

        @Override
        public void initialize(Text text) {
            this.maxLength = text.maxLength();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (value.isBlank()) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must not be blank")
                        .addConstraintViolation();
                return false;
            }
            return StorableValues.characters(value) <= maxLength;
        }
    }
}
