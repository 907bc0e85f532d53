package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

    @Test
    void generatedTokenIsThePrefixAndThirtyTwoRandomBytesInUrlSafeBase64() {
        String token = ApiTokens.generate();

        assertThat(token).startsWith("ops_api_token_").hasSize("ops_api_token_".length() + 43);
        String random = token.substring(ApiTokens.PREFIX.length());
        assertThat(random).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(random)).hasSize(32);
        assertThat(ApiTokens.isWellFormed(token)).isTrue();
    }

    @Test
    void generatedTokensDoNotRepeat() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            tokens.add(ApiTokens.generate());
        }
        assertThat(tokens).hasSize(1000);
    }

    @Test
    void hashIsTheLowerCaseHexSha256OfTheWholeToken() {
        // echo -n 'ops_api_token_abc' | sha256sum
        assertThat(ApiTokens.hash("ops_api_token_abc"))
                .isEqualTo("3fde5a42bad27481d1e04fa8fab850cc445b329f281e4c9789de3ea272e6404d");
        assertThat(ApiTokens.hash("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(ApiTokens.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void hashIsTheSameForTheSameTokenAndHoldsNoPartOfIt() {
        String token = ApiTokens.generate();
        assertThat(ApiTokens.hash(token))
                .isEqualTo(ApiTokens.hash(token))
                .doesNotContain(token.substring(ApiTokens.PREFIX.length(), ApiTokens.PREFIX.length() + 8));
    }

    @Test
    void onlyTokensOfTheIssuedFormAreWellFormed() {
        String random = "A".repeat(43);
        assertThat(ApiTokens.isWellFormed("ops_api_token_" + random)).isTrue();
        assertThat(ApiTokens.isWellFormed(null)).isFalse();
        assertThat(ApiTokens.isWellFormed("")).isFalse();
        assertThat(ApiTokens.isWellFormed("ops_api_token_")).isFalse();
        assertThat(ApiTokens.isWellFormed("ops_api_token_" + random + "A"))
                .as("too long")
                .isFalse();
        assertThat(ApiTokens.isWellFormed("ops_api_token_" + random.substring(1)))
                .as("too short")
                .isFalse();
        assertThat(ApiTokens.isWellFormed("other_prefix__" + random)).isFalse();
        assertThat(ApiTokens.isWellFormed("ops_api_token_" + random.substring(1) + "+"))
                .as("not URL-safe")
                .isFalse();
        assertThat(ApiTokens.isWellFormed("ops_api_token_" + random.substring(1) + "="))
                .as("padding")
                .isFalse();
    }
}
