package io.convoy.core.script;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChecksumsTest {

    @Test
    void sha256HexOfKnownVectors() {
        // FIPS 180-2 test vectors
        assertThat(Checksums.sha256Hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Checksums.sha256Hex("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void sha256HexHashesUtf8Bytes() {
        // "é" is C3 A9 in UTF-8
        assertThat(Checksums.sha256Hex("é")).isEqualTo(Checksums.sha256Hex(new String(new byte[] {(byte) 0xC3, (byte) 0xA9}, java.nio.charset.StandardCharsets.UTF_8)))
                .isNotEqualTo(Checksums.sha256Hex("e"));
    }

    @Test
    void normalizeRemovesBomLineEndingsTrailingBlanksAndTrailingBlankLines() {
        assertThat(Checksums.normalize("\uFEFFa  \r\nb\t\rc\n\n  \n")).isEqualTo("a\nb\nc");
        assertThat(Checksums.normalize("a\nb")).isEqualTo("a\nb");
        assertThat(Checksums.normalize("")).isEmpty();
    }

    @Test
    void normalizeKeepsLeadingBlanksAndInnerBlankLines() {
        assertThat(Checksums.normalize("\n  a\n\n\nb\n")).isEqualTo("\n  a\n\n\nb");
    }

    @Test
    void revisionChecksumIgnoresLineEndingConversionButNotContent() {
        String unix = "-- convoy:revision: a1\n-- convoy:upgrade\nselect 1;\n";
        String sum = Checksums.ofRevisionText(unix);
        assertThat(Checksums.ofRevisionText(unix.replace("\n", "\r\n"))).isEqualTo(sum);
        assertThat(Checksums.ofRevisionText("\uFEFF" + unix)).isEqualTo(sum);
        assertThat(Checksums.ofRevisionText(unix.stripTrailing())).isEqualTo(sum);
        assertThat(Checksums.ofRevisionText(unix.replace("select 1", "select  1"))).isNotEqualTo(sum);
        assertThat(Checksums.ofRevisionText(unix.replace("a1", "a2"))).isNotEqualTo(sum);
        assertThat(Checksums.ofRevisionText("\n" + unix)).isNotEqualTo(sum);
        assertThat(sum).matches("[0-9a-f]{64}");
    }
}
