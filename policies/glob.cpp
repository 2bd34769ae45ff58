// Glob matching for include/exclude patterns (see policy.hpp for the syntax). Beyond that summary:
// "**/" at the start of a component also matches no directory at all ("**/config.json" selects
// "config.json"), as in .gitignore; a class may be negated with '!' or '^' and never matches '/';
// there is no escaping, since Hugging Face file names need none.
//
// The pattern is split into tokens once, then matched with a dynamic programme over
// (token, path position), so hostile patterns such as "*a*a*a*a*b" cost O(tokens * path) rather
// than exponential backtracking.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policies/glob.hpp"
#include "policies/policy.hpp"

namespace mirrord {
namespace {

enum class TokenKind {
  kLiteral,     // one exact character
  kAnyChar,     // '?': one character other than '/'
  kClass,       // [a-z0-9_] or [!...] / [^...]: one character other than '/'
  kStar,        // '*': any run without '/'
  kDoubleStar,  // '**': any run, '/' included
  kAnyDirs,     // '**/' at the start of a component: nothing, or any run ending in '/'
};

struct Token {
  explicit Token(TokenKind token_kind, char literal_char = 0)
      : kind(token_kind), literal(literal_char) {}

  TokenKind kind;
  char literal;
  bool negated = false;
  std::vector<std::pair<char, char>> ranges;  // inclusive; single characters are (c, c)
};

// Parses the class that starts at pattern[open] == '['. Returns the token and the index just past
// the closing ']', or nothing when the class is not terminated.
std::optional<std::pair<Token, std::size_t>> parse_class(std::string_view pattern,
                                                         std::size_t open) {
  Token token(TokenKind::kClass);
  std::size_t i = open + 1;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    token.negated = true;
    ++i;
  }
  const std::size_t first = i;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == ']' && i != first) {
      return std::make_pair(std::move(token), i + 1);
    }
    const bool range = i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']';
    if (range) {
      token.ranges.emplace_back(c, pattern[i + 2]);
      i += 3;
    } else {
      token.ranges.emplace_back(c, c);
      ++i;
    }
  }
  return std::nullopt;
}

std::vector<Token> tokenize(std::string_view pattern) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '*' && i + 1 < pattern.size() && pattern[i + 1] == '*') {
      const bool component_start = i == 0 || pattern[i - 1] == '/';
      if (component_start && i + 2 < pattern.size() && pattern[i + 2] == '/') {
        tokens.push_back(Token(TokenKind::kAnyDirs));
        i += 3;
      } else {
        tokens.push_back(Token(TokenKind::kDoubleStar));
        i += 2;
      }
    } else if (c == '*') {
      tokens.push_back(Token(TokenKind::kStar));
      ++i;
    } else if (c == '?') {
      tokens.push_back(Token(TokenKind::kAnyChar));
      ++i;
    } else if (auto parsed = c == '[' ? parse_class(pattern, i) : std::nullopt) {
      tokens.push_back(std::move(parsed->first));
      i = parsed->second;
    } else {
      tokens.push_back(Token(TokenKind::kLiteral, c));
      ++i;
    }
  }
  return tokens;
}

bool class_matches(const Token& token, char c) {
  bool in_class = false;
  for (const auto& [low, high] : token.ranges) {
    in_class = in_class || (low <= c && c <= high);
  }
  return in_class != token.negated;
}

bool single_char_matches(const Token& token, char c) {
  switch (token.kind) {
    case TokenKind::kLiteral:
      return token.literal == c;
    case TokenKind::kAnyChar:
      return c != '/';
    case TokenKind::kClass:
      return c != '/' && class_matches(token, c);
    default:
      return false;
  }
}

// Fills `row` (matches of tokens[t..] against path[j..] for every j) from `next` (tokens[t+1..]).
void fill_row(const Token& token, std::string_view path, const std::vector<char>& next,
              std::vector<char>& row) {
  const std::size_t n = path.size();
  switch (token.kind) {
    case TokenKind::kStar:
      row[n] = next[n];
      for (std::size_t j = n; j-- > 0;) {
        row[j] = next[j] || (path[j] != '/' && row[j + 1]);
      }
      return;
    case TokenKind::kDoubleStar:
      row[n] = next[n];
      for (std::size_t j = n; j-- > 0;) {
        row[j] = next[j] || row[j + 1];
      }
      return;
    case TokenKind::kAnyDirs: {
      bool slash_ahead = false;  // some path[k] == '/' with k >= j and next[k + 1]
      row[n] = next[n];
      for (std::size_t j = n; j-- > 0;) {
        slash_ahead = slash_ahead || (path[j] == '/' && next[j + 1]);
        row[j] = next[j] || slash_ahead;
      }
      return;
    }
    default:
      row[n] = false;
      for (std::size_t j = 0; j < n; ++j) {
        row[j] = single_char_matches(token, path[j]) && next[j + 1];
      }
      return;
  }
}

bool match_whole(const std::vector<Token>& tokens, std::string_view path) {
  std::vector<char> next(path.size() + 1, 0);
  std::vector<char> row(path.size() + 1, 0);
  next[path.size()] = 1;  // no tokens left matches only the end of the path
  for (std::size_t t = tokens.size(); t-- > 0;) {
    fill_row(tokens[t], path, next, row);
    std::swap(next, row);
  }
  return next[0] != 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  const std::vector<Token> tokens = tokenize(pattern);
  if (match_whole(tokens, path)) {
    return true;
  }
  // "*.json" should select "sub/dir/config.json" too, as .gitignore patterns without '/' do.
  const std::size_t slash = path.rfind('/');
  return pattern.find('/') == std::string_view::npos && slash != std::string_view::npos &&
         match_whole(tokens, path.substr(slash + 1));
}

std::string glob_pattern_problem(std::string_view pattern) {
  if (pattern.empty()) {
    return "empty pattern (leave the list empty to select everything)";
  }
  if (pattern.front() == '/') {
    return "patterns are relative to the repository root; drop the leading '/'";
  }
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '[' && !parse_class(pattern, i)) {
      return "unterminated '[' at column " + std::to_string(i + 1);
    }
    if (pattern[i] == '[') {
      i = parse_class(pattern, i)->second - 1;
    }
  }
  return {};
}

}  // namespace mirrord
