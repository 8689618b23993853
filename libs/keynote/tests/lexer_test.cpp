// Lexer: tokens of field values, string escapes, numbers, K-of, comments.

#include "lexer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "keynote/assertion.hpp"

namespace keynote::detail {
namespace {

std::vector<Token> lex(std::string_view text, LexMode mode = LexMode::Conditions) {
  std::vector<Token> out;
  Lexer lexer(text, 0, static_cast<std::uint32_t>(text.size()), mode);
  while (true) {
    Token t = lexer.next();
    out.push_back(t);
    if (t.kind == Tok::End || t.kind == Tok::Error) break;
  }
  return out;
}

std::vector<Tok> kinds(std::string_view text, LexMode mode = LexMode::Conditions) {
  std::vector<Tok> out;
  for (const Token& t : lex(text, mode)) out.push_back(t.kind);
  return out;
}

TEST(Lexer, OperatorsAndPunctuation) {
  EXPECT_EQ(kinds("( ) { } ; , = == != < > <= >= ~= && || ! + - * / % ^ . $ @ & ->"),
            (std::vector<Tok>{Tok::LParen, Tok::RParen,  Tok::LBrace, Tok::RBrace, Tok::Semicolon,
                              Tok::Comma,  Tok::Assign,  Tok::Eq,     Tok::Ne,     Tok::Lt,
                              Tok::Gt,     Tok::Le,      Tok::Ge,     Tok::Match,  Tok::AndAnd,
                              Tok::OrOr,   Tok::Not,     Tok::Plus,   Tok::Minus,  Tok::Star,
                              Tok::Slash,  Tok::Percent, Tok::Caret,  Tok::Dot,    Tok::Dollar,
                              Tok::At,     Tok::Amp,     Tok::Arrow,  Tok::End}));
}

TEST(Lexer, NumbersIntegersAndFloats) {
  auto t = lex("42 3.25 7.");
  ASSERT_EQ(t[0].kind, Tok::Int);
  EXPECT_EQ(t[0].integer, 42);
  ASSERT_EQ(t[1].kind, Tok::Float);
  EXPECT_DOUBLE_EQ(t[1].real, 3.25);
  // "7." is not a float: an integer followed by the concatenation operator.
  EXPECT_EQ(t[2].kind, Tok::Int);
  EXPECT_EQ(t[3].kind, Tok::Dot);
}

TEST(Lexer, IntegerOverflowIsAnError) {
  auto t = lex("99999999999999999999");
  EXPECT_EQ(t[0].kind, Tok::Error);
  EXPECT_NE(t[0].text.find("out of range"), std::string::npos);
}

TEST(Lexer, KOfOnlyInLicensees) {
  auto t = lex("2-of(", LexMode::Licensees);
  ASSERT_EQ(t[0].kind, Tok::KOf);
  EXPECT_EQ(t[0].integer, 2);
  EXPECT_EQ(t[1].kind, Tok::LParen);
  EXPECT_EQ(kinds("2-of", LexMode::Conditions),
            (std::vector<Tok>{Tok::Int, Tok::Minus, Tok::Ident, Tok::End}));
  // "2 -of" with a space is not K-of.
  EXPECT_EQ(lex("2 -of", LexMode::Licensees)[0].kind, Tok::Int);
}

TEST(Lexer, TrueFalseAreCaseInsensitiveKeywordsInConditions) {
  EXPECT_EQ(kinds("true TRUE False"),
            (std::vector<Tok>{Tok::True, Tok::True, Tok::False, Tok::End}));
  EXPECT_EQ(lex("true", LexMode::Principal)[0].kind, Tok::Ident);
}

TEST(Lexer, NamesAndComments) {
  auto t = lex("app_domain # a comment \"not a string\"\n _x9");
  ASSERT_EQ(t[0].kind, Tok::Ident);
  EXPECT_EQ(t[0].text, "app_domain");
  ASSERT_EQ(t[1].kind, Tok::Ident);
  EXPECT_EQ(t[1].text, "_x9");
  EXPECT_EQ(t[2].kind, Tok::End);
}

TEST(Lexer, HashInsideStringIsNotAComment) {
  auto t = lex("\"a#b\"");
  ASSERT_EQ(t[0].kind, Tok::String);
  EXPECT_EQ(t[0].text, "a#b");
}

TEST(Lexer, StringEscapes) {
  auto value = [](std::string_view literal) {
    auto t = lex(literal);
    EXPECT_EQ(t[0].kind, Tok::String) << literal << ": " << t[0].text;
    return t[0].text;
  };
  EXPECT_EQ(value(R"("a\nb\tc\rd\fe")"), "a\nb\tc\rd\fe");
  EXPECT_EQ(value(R"("\101\102")"), "AB");  // octal
  EXPECT_EQ(value(R"("\0")"), "0");         // NUL cannot be produced
  EXPECT_EQ(value(R"("\000")"), "000");
  EXPECT_EQ(value(R"("\12x")"), "\nx");  // two octal digits
  EXPECT_EQ(value(R"("\."")"), ".");     // any other \c is c
  EXPECT_EQ(value(R"("\\")"), "\\");
  EXPECT_EQ(value(R"("say \"hi\"")"), "say \"hi\"");
  EXPECT_EQ(value("\"abc\\\n      def\""), "abcdef");  // backslash-newline continues
  EXPECT_EQ(value(R"("^192\\.168\.1$")"), "^192\\.168.1$");
}

TEST(Lexer, RawNewlineInStringIsAnError) {
  auto t = lex("\"abc\ndef\"");
  ASSERT_EQ(t[0].kind, Tok::Error);
  EXPECT_NE(t[0].text.find("line break"), std::string::npos);
  EXPECT_EQ(t[0].begin, 4U);
}

TEST(Lexer, UnterminatedString) {
  auto t = lex("\"abc");
  ASSERT_EQ(t[0].kind, Tok::Error);
  EXPECT_NE(t[0].text.find("unterminated"), std::string::npos);
}

TEST(Lexer, UnexpectedCharacters) {
  auto t = lex("a | b");
  EXPECT_EQ(t[1].kind, Tok::Error);
  EXPECT_NE(t[1].text.find("'||'"), std::string::npos);
  EXPECT_EQ(lex("`")[0].kind, Tok::Error);
  EXPECT_NE(lex("\x01")[0].text.find("0x01"), std::string::npos);
}

TEST(Lexer, OffsetsPointIntoTheText) {
  auto t = lex("  ab == \"x\"");
  EXPECT_EQ(t[0].begin, 2U);
  EXPECT_EQ(t[0].end, 4U);
  EXPECT_EQ(t[1].begin, 5U);
  EXPECT_EQ(t[2].begin, 8U);
  EXPECT_EQ(t[2].end, 11U);
}

TEST(Unescape, PublicFunctionMatchesLexer) {
  EXPECT_EQ(unescapeString(R"(a\x\n)"), "ax\n");
  EXPECT_EQ(unescapeString("trailing\\"), "trailing");
}

}  // namespace
}  // namespace keynote::detail
