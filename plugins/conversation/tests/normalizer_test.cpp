#include <gtest/gtest.h>

#include "text_normalizer.h"

namespace zaplify::conversation {
namespace {

TEST(Normalizer, FoldsAccentsAndCase) {
  EXPECT_EQ(folded_words("Ótimo PREÇO, não é?"), "otimo preco . nao e");
  EXPECT_EQ(folded_words("Straße ÆON"), "strasse aeon");
  EXPECT_EQ(folded_words("São Paulo, Ação  Ünïcode"), "sao paulo . acao unicode");
}

TEST(Normalizer, EmojiAndEmoticonsAreTokens) {
  TokenizedText t;
  tokenize("adorei 😍👍🏽 :) obrigado:D", t);
  std::vector<std::string> kinds;
  for (const auto& tok : t.tokens) kinds.push_back(std::string(t.view(tok)));
  EXPECT_EQ(kinds, (std::vector<std::string>{"adorei", "😍", "👍", ":)", "obrigado", ":D"}));
}

TEST(Normalizer, UrlsDoNotBecomeEmoticons) {
  EXPECT_EQ(folded_words("veja http://loja.com"), "veja http . loja . com");
}

TEST(Normalizer, CapsAndApostrophes) {
  TokenizedText t;
  tokenize("I DON'T like it", t);
  ASSERT_EQ(t.tokens.size(), 4u);
  EXPECT_EQ(t.view(t.tokens[1]), "don't");
  EXPECT_TRUE(t.tokens[1].all_caps);
  EXPECT_FALSE(t.tokens[0].all_caps);  // one letter is not shouting
  EXPECT_TRUE(t.has_lower);
}

TEST(Normalizer, LaughterIsNormalised) {
  EXPECT_EQ(folded_words("kkkkkk hahahaha rsrsrs"), "kkk haha rsrs");
}

TEST(Normalizer, HostileInput) {
  EXPECT_EQ(folded_words(""), "");
  EXPECT_EQ(folded_words("😀😀😀"), "");
  EXPECT_EQ(folded_words("!!! ... ???"), "");
  EXPECT_EQ(folded_words(std::string("a\xff\xfe"
                                     "b\xc3")),
            "a b");  // invalid bytes separate
  std::string big(65536, 'x');
  EXPECT_EQ(folded_words(big).size(), big.size());
}

}  // namespace
}  // namespace zaplify::conversation
