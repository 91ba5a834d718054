#include <gtest/gtest.h>

#include "ingest/utf8.h"

namespace zaplify::core::ingest {
namespace {

TEST(Utf8, AcceptsWellFormed) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is long enough for the fast path"));
  EXPECT_TRUE(is_valid_utf8("pre\xC3\xA7o"));      // ç
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x8A"));  // 😊
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above
}

TEST(Utf8, RejectsIllFormed) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 surrogate
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\x80"));          // lone continuation
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));   // truncated at the end
  EXPECT_FALSE(is_valid_utf8("abcdefgh\xC3"));  // truncated after the fast path
  EXPECT_FALSE(is_valid_utf8("\xC3\x28"));      // bad continuation
}

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("pre\xC3\xA7o"), 5u);
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x8A!"), 2u);
}

TEST(Utf8, ReplaceInvalidMarksEachError) {
  EXPECT_EQ(replace_invalid_utf8("a\xFF"
                                 "b\xE2\x82"
                                 "c",
                                 "?"),
            "a?b?c");
  EXPECT_EQ(replace_invalid_utf8("ok \xC3\xA7", "?"), "ok \xC3\xA7");
}

}  // namespace
}  // namespace zaplify::core::ingest
