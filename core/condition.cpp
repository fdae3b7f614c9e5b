#include "core/condition.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace sluice {

namespace {

struct Token {
  enum Kind { Operand, Op, And, Or } kind;
  Condition::Operand operand;
  std::string op;
};

[[noreturn]] void fail(const std::string& source, const std::string& message) {
  throw TemplateError("condition '" + source + "': " + message);
}

std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.compare(i, 2, "{{") == 0) {
      const size_t close = s.find("}}", i);
      if (close == std::string::npos) fail(s, "'{{' without '}}'");
      Token t{Token::Operand, {}, ""};
      t.operand.isTemplate = true;
      t.operand.expr = Template::compile(s.substr(i, close + 2 - i));
      tokens.push_back(t);
      i = close + 2;
    } else if (c == '\'' || c == '"') {
      const size_t close = s.find(c, i + 1);
      if (close == std::string::npos) fail(s, "unterminated quote");
      Token t{Token::Operand, {}, ""};
      t.operand.text = s.substr(i + 1, close - i - 1);
      tokens.push_back(t);
      i = close + 1;
    } else if (s.compare(i, 2, "&&") == 0) {
      tokens.push_back({Token::And, {}, ""});
      i += 2;
    } else if (s.compare(i, 2, "||") == 0) {
      tokens.push_back({Token::Or, {}, ""});
      i += 2;
    } else if (s.compare(i, 2, "==") == 0 || s.compare(i, 2, "!=") == 0 ||
               s.compare(i, 2, ">=") == 0 || s.compare(i, 2, "<=") == 0) {
      tokens.push_back({Token::Op, {}, s.substr(i, 2)});
      i += 2;
    } else if (c == '>' || c == '<') {
      tokens.push_back({Token::Op, {}, std::string(1, c)});
      ++i;
    } else {
      size_t end = i;
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
             s.compare(end, 2, "{{") != 0 && s[end] != '=' && s[end] != '!' && s[end] != '<' &&
             s[end] != '>' && s[end] != '&' && s[end] != '|')
        ++end;
      if (end == i) fail(s, "unexpected '" + std::string(1, c) + "'");
      const std::string word = s.substr(i, end - i);
      if (word == "contains" || word == "and" || word == "or") {
        if (word == "contains") tokens.push_back({Token::Op, {}, word});
        if (word == "and") tokens.push_back({Token::And, {}, ""});
        if (word == "or") tokens.push_back({Token::Or, {}, ""});
      } else {
        Token t{Token::Operand, {}, ""};
        t.operand.text = word;
        tokens.push_back(t);
      }
      i = end;
    }
  }
  return tokens;
}

std::string operandText(const Condition::Operand& o, const TemplateScope& scope, bool& present) {
  if (!o.isTemplate) {
    present = true;
    return o.text;
  }
  JsonDoc scratch;
  JsonValue v = o.expr.render(scope, scratch.GetAllocator());
  present = !v.IsNull();
  return jsonText(v);
}

// Decimal numbers only: strtod alone would also read hex ("0x10"), "inf" and "nan", and a NaN
// compares equal to everything below.
bool numeric(const std::string& s, double& out) {
  const size_t first = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (first >= s.size() || !(std::isdigit(static_cast<unsigned char>(s[first])) || s[first] == '.'))
    return false;
  if (s.find_first_of("xX") != std::string::npos) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return *end == '\0' && std::isfinite(out);
}

bool compare(const Condition::Comparison& c, const TemplateScope& scope) {
  if (c.op.empty()) {
    if (!c.left.isTemplate)
      return !c.left.text.empty() && c.left.text != "false" && c.left.text != "0";
    JsonDoc scratch;
    return jsonTruthy(c.left.expr.render(scope, scratch.GetAllocator()));
  }
  bool lp = false, rp = false;
  const std::string l = operandText(c.left, scope, lp);
  const std::string r = operandText(c.right, scope, rp);
  if (c.op == "contains") return l.find(r) != std::string::npos;
  double ln = 0, rn = 0;
  const bool numbers = numeric(l, ln) && numeric(r, rn);
  int cmp = numbers ? (ln < rn ? -1 : ln > rn ? 1 : 0) : l.compare(r);
  if (c.op == "==") return cmp == 0;
  if (c.op == "!=") return cmp != 0;
  if (c.op == ">") return cmp > 0;
  if (c.op == ">=") return cmp >= 0;
  if (c.op == "<") return cmp < 0;
  return cmp <= 0;
}

}  // namespace

Condition Condition::compile(const std::string& text) {
  Condition c;
  c.source_ = text;
  const auto tokens = tokenize(text);
  if (tokens.empty()) fail(text, "empty condition");
  std::vector<Comparison> current;
  size_t i = 0;
  while (i < tokens.size()) {
    if (tokens[i].kind != Token::Operand)
      fail(text, "expected a value at token " + std::to_string(i + 1));
    Comparison cmp;
    cmp.left = tokens[i].operand;
    ++i;
    if (i < tokens.size() && tokens[i].kind == Token::Op) {
      cmp.op = tokens[i].op;
      ++i;
      if (i >= tokens.size() || tokens[i].kind != Token::Operand)
        fail(text, "operator '" + cmp.op + "' needs a value on its right");
      cmp.right = tokens[i].operand;
      ++i;
    }
    current.push_back(cmp);
    if (i == tokens.size()) break;
    if (tokens[i].kind == Token::And) {
      ++i;
    } else if (tokens[i].kind == Token::Or) {
      c.clauses_.push_back(current);
      current.clear();
      ++i;
    } else {
      fail(text, "expected && or || between comparisons");
    }
    if (i == tokens.size()) fail(text, "dangling && or ||");
  }
  c.clauses_.push_back(current);
  return c;
}

bool Condition::evaluate(const TemplateScope& scope) const {
  if (clauses_.empty()) return true;
  for (const auto& clause : clauses_) {
    bool all = true;
    for (const auto& cmp : clause)
      if (!compare(cmp, scope)) {
        all = false;
        break;
      }
    if (all) return true;
  }
  return false;
}

std::vector<const TemplateExpr*> Condition::expressions() const {
  std::vector<const TemplateExpr*> out;
  for (const auto& clause : clauses_)
    for (const auto& cmp : clause)
      for (const Operand* o : {&cmp.left, &cmp.right})
        if (o->isTemplate)
          for (const auto& e : o->expr.expressions()) out.push_back(&e);
  return out;
}

}  // namespace sluice
