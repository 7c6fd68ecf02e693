// An injection corpus through the domain parser and compiler, from sqlmap's
// and OWASP's payload lists: a field or operator payload is always a
// ValidationError; a value payload never changes the SQL text (it is the
// text a harmless value gives) and travels only as a parameter.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "orm/domain_compiler.hpp"
#include "orm/errors.hpp"
#include "orm/testing/domain_compile_for_test.hpp"

namespace citadel::orm {
namespace {

using testing::CompileForTest;
using testing::TestPartner;

const std::vector<std::string> kFieldPayloads = {
    "name'; DROP TABLE res_partner; --", "id) OR 1=1 --", "\"name\"", "name desc; select 1",
    std::string("name\0", 5), "name\xe2\x80\x99", "n\xd0\xb0me" /* Cyrillic a */, "NAME", "name--", "name/*",
    "1=1", "' OR '1'='1", "name OR 1=1", "*", "id;", "(select 1)", "pg_sleep(5)", "name::text",
    "name collate \"C\"", "$1", "name.id", "parent_id.name'--", "child_ids.nope", "\\", "%", "name\n", "name ",
    " name", "Name", "id UNION SELECT login FROM res_users", "res_partner.name", "t0.name", "\"t0\".\"name\"",
    "name\xff", "__proto__", "display_name) OR (1=1", "parent_id..name", ".name", "name.", "category_id.name;",
};

const std::vector<std::string> kOperatorPayloads = {
    "= 1 OR 1=1", "=;DROP TABLE x", "IS NULL OR 1=1 --", "LIKE", "ILIKE", "not  like", "==", "!==", "<=>", "~",
    "~*", "SIMILAR TO", "@>", "IN", "in ()", std::string("=\0", 2), "= ANY", "\xef\xbc\x9d" /* fullwidth = */,
    "<> ", " =", "|", "&", "!", "any ", "not_in", "child of", "=\n", "' OR ''='", "$1", "--",
};

const std::vector<std::string> kValuePayloads = {
    "' OR '1'='1", "'; DROP TABLE res_partner; --", "\") OR 1=1 --", "1; SELECT pg_sleep(10)", "\\'",
    "%' AND 1=1 --", "$1", "$$", "$tag$ x $tag$", "E'\\x27'", "' UNION SELECT login FROM res_users --",
    "{\"a\":1}", "\"name\"", "\xe2\x80\x99 OR 1=1 \xe2\x80\x98", "\xe2\x80\x9c\xe2\x80\x9d", "\xca\xbc OR 1=1",
    "/* */", "--", "0x27", "char(39)", "null", "NULL", "\\\\", "a\\", "}{,\"\\", "{1,2}", "\"}; DROP --",
    "%", "_", "%%", "1 OR 1=1", "admin'--", "') OR ('a'='a", "1' ORDER BY 1--", "; COPY res_partner TO '/tmp/x'",
};

bool Refused(const Value& domain) {
  try {
    Domain::Parse(TestPartner(), domain);
    return false;
  } catch (const ValidationError&) {
    return true;
  }
}

TEST(DomainInjectionTest, EveryFieldPayloadIsAValidationError) {
  for (const auto& payload : kFieldPayloads) {
    EXPECT_TRUE(Refused(Value::array({Value::array({payload, "=", "x"})}))) << payload;
    EXPECT_TRUE(Refused(Value::array({Value::array({"child_ids", "any", Value::array({Value::array({payload, "=", 1})})})})))
        << payload;
  }
}

TEST(DomainInjectionTest, EveryOperatorPayloadIsAValidationError) {
  for (const auto& payload : kOperatorPayloads) {
    EXPECT_TRUE(Refused(Value::array({Value::array({"name", payload, "x"})}))) << payload;
  }
  for (const char* structure : {"AND", "OR", "NOT", "&&", "||", "! ", "(", ")"}) {
    EXPECT_TRUE(Refused(Value::array({structure, Value::array({"name", "=", "x"}), Value::array({"name", "=", "y"})})))
        << structure;
  }
}

TEST(DomainInjectionTest, ValuePayloadsOnlyEverReachParameters) {
  // Terms whose value is a string, across the compiler's paths: columns, like
  // wrapping, arrays, many2one and x2many name searches, child_of by name.
  const std::vector<std::pair<std::string, std::string>> terms = {
      {"name", "="},          {"name", "!="},          {"name", "ilike"},       {"comment", "not like"},
      {"name", "in"},         {"kind", "not in"},      {"parent_id", "="},      {"parent_id", "not ilike"},
      {"country_id", "in"},   {"child_ids", "ilike"},  {"category_id", "not ilike"}, {"id", "child_of"},
      {"main_tag_id", "parent_of"}, {"display_name", "=like"}, {"birthday", "like"}, {"parent_id.name", "<"},
      {"color", "like"},
  };
  std::size_t compiled_cases = 0;
  for (const auto& [field, op] : terms) {
    const bool list = op == "in" || op == "not in";
    auto term = [&](const std::string& value) {
      return Value::array({Value::array({field, op, list ? Value::array({value}) : Value(value)})});
    };
    const std::string benign_text = CompileForTest(term("benign")).text;
    for (const auto& payload : kValuePayloads) {
      if (Refused(term(payload))) continue;  // e.g. a pattern ending in an escape: refused is fine too
      const auto compiled = CompileForTest(term(payload));
      ++compiled_cases;
      EXPECT_EQ(compiled.text, benign_text) << field << " " << op << " " << payload;
      // Whole, or as the one element of an array parameter.
      std::string element = "{\"";
      for (char c : payload) element += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      element += "\"}";
      bool carried = false;
      for (const auto& param : compiled.params) {
        carried = carried || param.find(payload) != std::string::npos || param == element;
      }
      EXPECT_TRUE(carried) << field << " " << op << " " << payload;
    }
  }
  EXPECT_GT(compiled_cases, terms.size() * kValuePayloads.size() * 9 / 10);  // refusals are the exception
}

TEST(DomainInjectionTest, ValuesPostgreSqlWouldChokeOnAreRefusedNotSent) {
  for (const std::string& bad : {std::string("a\0b", 3), std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
    EXPECT_TRUE(Refused(Value::array({Value::array({"name", "=", bad})}))) << bad.size();
  }
}

}  // namespace
}  // namespace citadel::orm
