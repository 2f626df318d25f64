#include "src/engine/mysql/partition_clause.hpp"

#include <cctype>
#include <charconv>
#include <vector>

namespace omsql {
namespace {

struct Token {
  enum Kind { kWord, kName, kString, kPunct } kind;
  size_t begin = 0, end = 0;  // raw text [begin, end) of the statement
};

bool is_word_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || c == '.' || u >= 0x80;
}

// Tokens of the statement; version comments (/*!50100 ... */, /*M!100100 ... */) are code, their
// markers are skipped; plain comments are dropped. Unterminated quotes end at the end of the text.
std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int version_comments = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.substr(i, 3) == "/*!" || s.substr(i, 4) == "/*M!") {
      i += s[i + 2] == '!' ? 3 : 4;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      ++version_comments;
    } else if (s.substr(i, 2) == "*/" && version_comments > 0) {
      i += 2;
      --version_comments;
    } else if (s.substr(i, 2) == "/*") {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else if (c == '#' || s.substr(i, 3) == "-- ") {
      size_t eol = s.find('\n', i);
      i = eol == std::string_view::npos ? s.size() : eol + 1;
    } else if (c == '`' || c == '\'' || c == '"') {
      size_t j = i + 1;
      while (j < s.size()) {
        if (c != '`' && s[j] == '\\' && j + 1 < s.size()) {
          j += 2;
        } else if (s[j] == c) {
          if (j + 1 < s.size() && s[j + 1] == c) {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      out.push_back({c == '`' ? Token::kName : Token::kString, i, std::min(j, s.size())});
      i = j;
    } else if (is_word_char(c)) {
      size_t j = i;
      while (j < s.size() && is_word_char(s[j])) ++j;
      out.push_back({Token::kWord, i, j});
      i = j;
    } else {
      out.push_back({Token::kPunct, i, i + 1});
      ++i;
    }
  }
  return out;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {}

  // Index of the PARTITION of "PARTITION BY" outside every parenthesis, or npos.
  size_t find_clause() const {
    int depth = 0;
    for (size_t i = 0; i + 1 < tokens_.size(); ++i) {
      if (punct(i, '(')) ++depth;
      if (punct(i, ')')) --depth;
      if (depth == 0 && word(i, "PARTITION") && word(i + 1, "BY")) return i;
    }
    return std::string::npos;
  }

  PartitioningDef parse(size_t start) {
    PartitioningDef out;
    i_ = start + 2;
    if (!method(false, &out.method)) return failed(std::move(out));
    if (word(i_, "SUBPARTITION") && word(i_ + 1, "BY")) {
      i_ += 2;
      out.sub.emplace();
      if (!method(true, &*out.sub)) return failed(std::move(out));
    }
    if (punct(i_, '(')) {
      ++i_;
      while (true) {
        PartitionDef partition;
        if (!definition(false, &partition)) return failed(std::move(out));
        out.partitions.push_back(std::move(partition));
        if (punct(i_, ',')) {
          ++i_;
          continue;
        }
        if (!expect(')')) return failed(std::move(out));
        break;
      }
    }
    if (i_ < tokens_.size()) fail("unexpected text after the partition definitions");
    return failed(std::move(out));
  }

 private:
  bool punct(size_t i, char c) const {
    return i < tokens_.size() && tokens_[i].kind == Token::kPunct && text_[tokens_[i].begin] == c;
  }
  bool word(size_t i, std::string_view w) const {
    return i < tokens_.size() && tokens_[i].kind == Token::kWord && iequal(raw(i), w);
  }
  std::string_view raw(size_t i) const { return text_.substr(tokens_[i].begin, tokens_[i].end - tokens_[i].begin); }

  bool fail(const std::string& why) {
    if (error_.empty()) {
      size_t at = i_ < tokens_.size() ? tokens_[i_].begin : text_.size();
      error_ = why + " at offset " + std::to_string(at);
    }
    return false;
  }
  PartitioningDef failed(PartitioningDef def) {
    if (!error_.empty()) def.unreadable = error_;
    return def;
  }
  bool expect(char c) {
    if (punct(i_, c)) {
      ++i_;
      return true;
    }
    return fail(std::string("expected '") + c + "'");
  }

  // The raw text between the '(' at i_ and its matching ')'; i_ ends after the ')'.
  bool parenthesised(std::string* inner) {
    if (!punct(i_, '(')) return fail("expected '('");
    size_t open = i_;
    int depth = 0;
    for (; i_ < tokens_.size(); ++i_) {
      if (punct(i_, '(')) ++depth;
      if (punct(i_, ')') && --depth == 0) {
        size_t from = tokens_[open].end, to = tokens_[i_].begin;
        *inner = trim(text_.substr(from, to - from));
        ++i_;
        return true;
      }
    }
    return fail("unbalanced parentheses");
  }

  // An identifier token as a name: `a``b` -> a`b, bare words as written.
  bool name(std::string* out) {
    if (i_ >= tokens_.size() || (tokens_[i_].kind != Token::kName && tokens_[i_].kind != Token::kWord))
      return fail("expected a name");
    std::string_view r = raw(i_++);
    if (r.front() != '`') {
      *out = std::string(r);
      return true;
    }
    out->clear();
    for (size_t k = 1; k + 1 < r.size(); ++k) {
      out->push_back(r[k]);
      if (r[k] == '`') ++k;  // a doubled back-quote
    }
    return true;
  }

  bool number(std::optional<uint64_t>* out) {
    uint64_t value = 0;
    if (i_ >= tokens_.size() || tokens_[i_].kind != Token::kWord) return fail("expected a number");
    std::string_view r = raw(i_);
    auto [ptr, ec] = std::from_chars(r.data(), r.data() + r.size(), value);
    if (ec != std::errc() || ptr != r.data() + r.size()) return fail("expected a number");
    ++i_;
    *out = value;
    return true;
  }

  bool method(bool sub, PartitionMethod* m) {
    bool linear = word(i_, "LINEAR");
    if (linear) ++i_;
    if (word(i_, "HASH") || word(i_, "KEY")) {
      m->kind = (linear ? "LINEAR " : "") + upper(raw(i_++));
    } else if (!linear && !sub && (word(i_, "RANGE") || word(i_, "LIST"))) {
      m->kind = upper(raw(i_++));
      if (word(i_, "COLUMNS")) {
        m->kind += " COLUMNS";
        ++i_;
      }
    } else if (!linear && !sub && word(i_, "SYSTEM_TIME")) {
      // MariaDB's history partitioning: INTERVAL/LIMIT parameters kept verbatim, up to the counts or list.
      m->kind = "SYSTEM_TIME";
      size_t from = ++i_;
      while (i_ < tokens_.size() && !punct(i_, '(') && !word(i_, "PARTITIONS") && !word(i_, "SUBPARTITION")) ++i_;
      if (i_ > from) m->parameters = trim(text_.substr(tokens_[from].begin, tokens_[i_ - 1].end - tokens_[from].begin));
    } else {
      return fail("unknown partitioning method");
    }
    if (m->kind.find("KEY") != std::string::npos && word(i_, "ALGORITHM")) {
      ++i_;
      if (!expect('=')) return false;
      std::optional<uint64_t> algorithm;
      if (!number(&algorithm)) return false;
      m->algorithm = static_cast<int>(*algorithm);
    }
    if (m->kind != "SYSTEM_TIME") {
      std::string inner;
      if (!parenthesised(&inner)) return false;
      if (m->uses_columns()) {
        Parser list(inner, lex(inner));
        while (list.i_ < list.tokens_.size()) {
          std::string column;
          if (!list.name(&column)) return fail("expected a column list");
          m->columns.push_back(std::move(column));
          if (list.i_ < list.tokens_.size() && !list.punct(list.i_++, ',')) return fail("expected a column list");
        }
      } else {
        m->expression = std::move(inner);
      }
    }
    if (word(i_, sub ? "SUBPARTITIONS" : "PARTITIONS")) {
      ++i_;
      if (!number(&m->count)) return false;
    }
    return true;
  }

  bool definition(bool sub, PartitionDef* p) {
    if (!word(i_, sub ? "SUBPARTITION" : "PARTITION")) return fail(sub ? "expected SUBPARTITION" : "expected PARTITION");
    ++i_;
    if (!name(&p->name)) return false;
    if (!sub && word(i_, "VALUES")) {
      ++i_;
      std::string inner;
      if (word(i_, "LESS") && word(i_ + 1, "THAN")) {
        i_ += 2;
        if (word(i_, "MAXVALUE")) {
          ++i_;
          p->bound = "VALUES LESS THAN MAXVALUE";
        } else {
          if (!parenthesised(&inner)) return false;
          p->bound = "VALUES LESS THAN (" + inner + ")";
        }
      } else if (word(i_, "IN")) {
        ++i_;
        if (!parenthesised(&inner)) return false;
        p->bound = "VALUES IN (" + inner + ")";
      } else {
        return fail("expected LESS THAN or IN");
      }
    } else if (!sub && (word(i_, "DEFAULT") || word(i_, "HISTORY") || word(i_, "CURRENT"))) {
      p->bound = upper(raw(i_++));
    }
    // Options: NAME [NAME] = value, until the next definition, the end of the list or subpartitions.
    while (i_ < tokens_.size() && tokens_[i_].kind == Token::kWord) {
      PartitionOption option;
      while (i_ < tokens_.size() && tokens_[i_].kind == Token::kWord)
        option.name += (option.name.empty() ? "" : " ") + upper(raw(i_++));
      if (!expect('=')) return false;
      size_t from = i_;
      // A value is one token, or an introducer and its string (_utf8mb4'x').
      if (i_ < tokens_.size() && tokens_[i_].kind == Token::kWord && i_ + 1 < tokens_.size() &&
          tokens_[i_ + 1].kind == Token::kString && tokens_[i_ + 1].begin == tokens_[i_].end)
        ++i_;
      if (i_ >= tokens_.size() || tokens_[i_].kind == Token::kPunct) return fail("expected an option value");
      option.value = std::string(text_.substr(tokens_[from].begin, tokens_[i_].end - tokens_[from].begin));
      ++i_;
      p->options.push_back(std::move(option));
    }
    if (!sub && punct(i_, '(')) {
      ++i_;
      while (true) {
        PartitionDef subpartition;
        if (!definition(true, &subpartition)) return false;
        p->subpartitions.push_back(std::move(subpartition));
        if (punct(i_, ',')) {
          ++i_;
          continue;
        }
        return expect(')');
      }
    }
    return true;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace

std::optional<PartitioningDef> parse_partition_clause(std::string_view show_create_table) {
  Parser parser(show_create_table, lex(show_create_table));
  size_t start = parser.find_clause();
  if (start == std::string::npos) return std::nullopt;
  return parser.parse(start);
}

}  // namespace omsql
