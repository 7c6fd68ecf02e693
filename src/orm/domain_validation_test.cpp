// Every way Domain::Parse refuses a domain: a ValidationError whose message
// names the offending term, never an SQL error later.
#include <gtest/gtest.h>

#include <string>

#include "orm/domain.hpp"
#include "orm/errors.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm {
namespace {

using testing::TestPartner;

// The message of the ValidationError Parse throws, or "accepted".
std::string Refusal(const Value& domain) {
  try {
    Domain::Parse(TestPartner(), domain);
    return "accepted";
  } catch (const ValidationError& e) {
    return e.what();
  }
}
std::string Refusal(const char* json) { return Refusal(Value::parse(json)); }

TEST(DomainValidationTest, UnknownFieldsNameModelFieldAndLeaf) {
  EXPECT_EQ(Refusal(R"([["nope", "=", 1]])"), R"(Invalid field res.partner.nope in leaf ["nope", "=", 1])");
  EXPECT_EQ(Refusal(R"([["parent_id.country_id.nope", "=", 1]])"),
            R"(Invalid field res.country.nope in leaf ["parent_id.country_id.nope", "=", 1])");
  EXPECT_EQ(Refusal(R"([["parent_id..name", "=", 1]])"),
            R"(Invalid field res.partner. in leaf ["parent_id..name", "=", 1])");
  EXPECT_EQ(Refusal(R"([["", "=", 1]])"), R"(Invalid leaf ["", "=", 1]: the field must be a non-empty string)");
}

TEST(DomainValidationTest, PathsGoOnlyThroughRelationsAndEndOnSearchableFields) {
  EXPECT_EQ(Refusal(R"([["name.x", "=", 1]])"),
            R"(Invalid leaf ["name.x", "=", 1]: field res.partner.name is not relational; no path through it)");
  EXPECT_EQ(Refusal(R"([["upper_name", "=", "A"]])"),
            R"(Invalid leaf ["upper_name", "=", "A"]: non-stored field res.partner.upper_name cannot be searched)");
  // Binary fields (file store): set or not set only, as Odoo's attachments.
  EXPECT_EQ(Refusal(R"([["image", "=", false]])"), "accepted");
  EXPECT_EQ(Refusal(R"([["image", "!=", false]])"), "accepted");
  EXPECT_EQ(Refusal(R"([["image", "=", "aGk="]])"),
            R"(Invalid leaf ["image", "=", "aGk="]: binary field res.partner.image can only be searched with = False or != False)");
  EXPECT_EQ(Refusal(R"([["image", "ilike", "x"]])"),
            R"(Invalid leaf ["image", "ilike", "x"]: binary field res.partner.image can only be searched with = False or != False)");
  EXPECT_EQ(Refusal(R"([["display_name.x", "=", 1]])"),
            R"(Invalid leaf ["display_name.x", "=", 1]: field res.partner.display_name is not relational; no path through it)");
}

TEST(DomainValidationTest, UnknownOperatorsAndMalformedTerms) {
  EXPECT_EQ(Refusal(R"([["name", "==", 1]])"), R"(Invalid operator "==" in leaf ["name", "==", 1])");
  EXPECT_EQ(Refusal(R"([["name", "ILIKE", "a"]])"), R"(Invalid operator "ILIKE" in leaf ["name", "ILIKE", "a"])");
  EXPECT_EQ(Refusal(R"([["name", 1, "a"]])"), R"(Invalid leaf ["name", 1, "a"]: the operator must be a string)");
  EXPECT_EQ(Refusal(R"([["name", "="]])"), R"(Invalid leaf ["name", "="]: a term is [field, operator, value])");
  EXPECT_EQ(Refusal(R"([["name", "=", "a", "b"]])"),
            R"(Invalid leaf ["name", "=", "a", "b"]: a term is [field, operator, value])");
  EXPECT_EQ(Refusal(R"([[1, "=", 2]])"), R"(Invalid leaf [1, "=", 2]: the field must be a non-empty string)");
}

TEST(DomainValidationTest, MalformedPrefixStructure) {
  EXPECT_EQ(Refusal(R"(["&", ["name", "=", "a"]])"), R"(Invalid domain: operator "&" at position 0 lacks operands)");
  EXPECT_EQ(Refusal(R"([["name", "=", "a"], "!"])"), R"(Invalid domain: operator "!" at position 1 lacks operands)");
  EXPECT_EQ(Refusal(R"(["|"])"), R"(Invalid domain: operator "|" at position 0 lacks operands)");
  EXPECT_EQ(Refusal(R"(["and", ["name", "=", "a"]])"),
            R"(Invalid domain: item "and" is neither a term nor one of the operators '&', '|', '!')");
  EXPECT_EQ(Refusal(R"([5])"), R"(Invalid domain: item 5 is neither a term nor one of the operators '&', '|', '!')");
  EXPECT_EQ(Refusal(R"({"name": "a"})"), "Invalid domain: a domain is a list of terms and operators");
  EXPECT_EQ(Refusal(R"("name = a")"), "Invalid domain: a domain is a list of terms and operators");
}

TEST(DomainValidationTest, ValuesOfTheWrongTypeForTheOperatorOrField) {
  EXPECT_EQ(Refusal(R"([["color", "in", 5]])"), R"(Invalid leaf ["color", "in", 5]: 'in' and 'not in' need a list)");
  EXPECT_EQ(Refusal(R"([["color", "in", [1, "x"]]])"),
            R"(Invalid leaf ["color", "in", [1,"x"]]: the list holds something that is not a number)");
  EXPECT_EQ(Refusal(R"([["name", "=", 5]])"), R"(Invalid leaf ["name", "=", 5]: the value is not a string)");
  EXPECT_EQ(Refusal(R"([["color", "=", "5"]])"), R"(Invalid leaf ["color", "=", "5"]: the value is not a number)");
  EXPECT_EQ(Refusal(R"([["color", "=", 1.5]])"), R"(Invalid leaf ["color", "=", 1.5]: the value is not a number)");
  EXPECT_EQ(Refusal(R"([["color", "=", 3000000000]])"),
            R"(Invalid leaf ["color", "=", 3000000000]: the value is not a number)");
  EXPECT_EQ(Refusal(R"([["birthday", "=", "2023-02-29"]])"),
            R"(Invalid leaf ["birthday", "=", "2023-02-29"]: the value is not a date "YYYY-MM-DD")");
  EXPECT_EQ(Refusal(R"([["last_seen", "=", "2024-01-01 24:00:00"]])"),
            R"(Invalid leaf ["last_seen", "=", "2024-01-01 24:00:00"]: the value is not a datetime "YYYY-MM-DD HH:MM:SS")");
  EXPECT_EQ(Refusal(R"([["is_company", "<", true]])"),
            R"(Invalid leaf ["is_company", "<", true]: booleans are not ordered)");
  EXPECT_EQ(Refusal(R"([["is_company", "=", 2]])"),
            R"(Invalid leaf ["is_company", "=", 2]: the value is not a boolean)");
  EXPECT_EQ(Refusal(R"([["name", "<", false]])"), R"(Invalid leaf ["name", "<", false]: operator < needs a value)");
  EXPECT_EQ(Refusal(R"([["name", "ilike", 5]])"), R"(Invalid leaf ["name", "ilike", 5]: operator ilike needs a string)");
  EXPECT_EQ(Refusal(R"([["color", "=like", "1%"]])"),
            R"(Invalid leaf ["color", "=like", "1%"]: =like and =ilike apply to text, date and relational fields)");
  EXPECT_EQ(Refusal(R"([["name", "=like", "a\\"]])"),
            R"(Invalid leaf ["name", "=like", "a\\"]: a LIKE pattern cannot end with an escape character)");
  EXPECT_EQ(Refusal(R"([["name", "=?", ["a"]]])"), R"(Invalid leaf ["name", "=?", ["a"]]: operator =? takes no list)");
  EXPECT_EQ(Refusal(R"([["name", "=", {"a": 1}]])"),
            R"(Invalid leaf ["name", "=", {"a":1}]: a value cannot be an object)");
}

TEST(DomainValidationTest, RelationalOperatorsNeedRelationsAndHierarchies) {
  EXPECT_EQ(Refusal(R"([["name", "any", []]])"),
            R"(Invalid leaf ["name", "any", []]: any and not any apply to relational fields only)");
  EXPECT_EQ(Refusal(R"([["child_ids", "any", "x"]])"),
            R"(Invalid leaf ["child_ids", "any", "x"]: any and not any take a domain (a list))");
  EXPECT_EQ(Refusal(R"([["child_ids", "any", [["nope", "=", 1]]]])"),
            R"(Invalid field res.partner.nope in leaf ["nope", "=", 1])");
  EXPECT_EQ(Refusal(R"([["name", "child_of", 1]])"),
            R"(Invalid leaf ["name", "child_of", 1]: child_of and parent_of apply to id and relational fields only)");
  EXPECT_EQ(Refusal(R"([["country_id", "child_of", 1]])"),
            R"(Invalid leaf ["country_id", "child_of", 1]: model res.country has no parent field for child_of/parent_of)");
  EXPECT_EQ(Refusal(R"([["id", "child_of", [1, "a"]]])"),
            R"(Invalid leaf ["id", "child_of", [1,"a"]]: child_of and parent_of take ids or names, not a mix or other values)");
  EXPECT_EQ(Refusal(R"([["id", "child_of", true]])"),
            R"(Invalid leaf ["id", "child_of", true]: child_of and parent_of take an id, a name, or a list of ids or of names)");
  EXPECT_EQ(Refusal(R"([["child_ids", "<", 3]])"),
            R"(Invalid leaf ["child_ids", "<", 3]: operator < does not apply to one2many/many2many)");
  EXPECT_EQ(Refusal(R"([["child_ids", "in", [1, false]]])"),
            R"(Invalid leaf ["child_ids", "in", [1,false]]: the list holds something that is not an id)");
  EXPECT_EQ(Refusal(R"([["child_ids", "ilike", false]])"),
            R"(Invalid leaf ["child_ids", "ilike", false]: operator ilike needs a string)");
}

TEST(DomainValidationTest, BoundsOnTermsDepthListsAndStrings) {
  Value many = Value::array();
  for (int i = 0; i < 1001; ++i) many.push_back(Value::array({"color", "=", i}));
  EXPECT_EQ(Refusal(many), "Invalid domain: more than 1000 terms");
  many.erase(many.begin());
  EXPECT_EQ(Refusal(many), "accepted");

  Value deep = Value::array({Value::array({"color", "=", 1})});
  for (int i = 0; i < 64; ++i) deep = Value::array({Value::array({"child_ids", "any", deep})});
  EXPECT_EQ(Refusal(deep), "Invalid domain: nested deeper than 64 levels");
  Value nots = Value::array();
  for (int i = 0; i < 70; ++i) nots.push_back("!");
  nots.push_back(Value::array({"color", "=", 1}));
  EXPECT_EQ(Refusal(nots), "Invalid domain: nested deeper than 64 levels");
  // Many operators of one kind are one level: Odoo's OR() of 500 terms is fine.
  Value ors = Value::array();
  for (int i = 0; i < 499; ++i) ors.push_back("|");
  for (int i = 0; i < 500; ++i) ors.push_back(Value::array({"color", "=", i}));
  EXPECT_EQ(Refusal(ors), "accepted");

  Value ids = Value::array();
  for (int i = 0; i < 10001; ++i) ids.push_back(i);
  EXPECT_NE(Refusal(Value::array({Value::array({"id", "in", ids})})).find("more than 10,000 items"), std::string::npos);
  ids.erase(ids.begin());
  EXPECT_EQ(Refusal(Value::array({Value::array({"id", "in", ids})})), "accepted");

  const std::string big(64 * 1024 + 1, 'a');
  EXPECT_NE(Refusal(Value::array({Value::array({"name", "=", big})})).find("longer than 64 KiB"), std::string::npos);
  EXPECT_EQ(Refusal(Value::array({Value::array({"name", "=", big.substr(1)})})), "accepted");
}

TEST(DomainValidationTest, StringsPostgreSqlCannotHoldAreRefused) {
  EXPECT_NE(Refusal(Value::array({Value::array({"name", "=", std::string("a\0b", 3)})})).find("NUL"),
            std::string::npos);
  EXPECT_NE(Refusal(Value::array({Value::array({"name", "=", std::string("\xff\xfe")})})).find("not valid UTF-8"),
            std::string::npos);
  EXPECT_NE(Refusal(Value::array({Value::array({"name", "in", Value::array({"\xc3"})})})).find("not valid UTF-8"),
            std::string::npos);
}

}  // namespace
}  // namespace citadel::orm
