package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockHttpServletRequest;

class BearerTokenConverterTest {

    private final BearerTokenConverter converter = new BearerTokenConverter();

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER "})
    void aBearerTokenOfOurFormIsReadWhateverTheSchemesCase(String scheme) {
        String token = ApiTokens.generate();

        ApiTokenAuthentication read = converter.convert(request(scheme + token));

        assertThat(read.isAuthenticated()).isFalse();
        assertThat(read.getCredentials()).isEqualTo(token);
        assertThat(read.getPrincipal()).isNull();
    }

    @Test
    void noHeaderOrABlankOneMeansNoCredentials() {
        assertThat(converter.convert(new MockHttpServletRequest("GET", "/executed_obs_units")))
                .isNull();
        assertThat(converter.convert(request("  "))).isNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Bearer",
                "Bearer ",
                "Basic YWRtaW46YWRtaW4=",
                "Bearer not-a-token-s3cret",
                "ops_api_token_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            })
    void aHeaderThatIsNotABearerTokenOfOurFormIsMalformedAndNotRepeated(String authorization) {
        assertThatThrownBy(() -> converter.convert(request(authorization)))
                .isInstanceOfSatisfying(InvalidBearerTokenException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("invalid_request");
                    assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("aaaaaaaa");
                });
    }

    private static MockHttpServletRequest request(String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/executed_obs_units");
        request.addHeader("Authorization", authorization);
        return request;
    }
}
