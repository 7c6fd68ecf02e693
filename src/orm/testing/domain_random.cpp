#include "orm/testing/domain_random.hpp"

#include <cctype>

#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm::testing {
namespace {

const std::vector<std::string> kStringOps = {"=",    "!=",       "<>",    "<",         ">",     "<=",
                                             ">=",   "=?",       "like",  "not like",  "ilike", "not ilike",
                                             "=like", "=ilike",  "in",    "not in"};
const std::vector<std::string> kNumberOps = {"=",  "!=",   "<>",   "<",        ">",     "<=",       ">=",
                                             "=?", "in", "not in", "like", "not like", "ilike", "not ilike"};
const std::vector<std::string> kDateOps = {"=",  "!=",     "<>",   "<",        ">",     "<=",    ">=",   "=?",
                                           "in", "not in", "like", "not like", "ilike", "=like", "=ilike"};
const std::vector<std::string> kRandomKinds = {"person", "company", "other", "", "PERSON", "comp"};

bool IsLikeOp(const std::string& op) { return op == "like" || op == "not like" || op == "ilike" || op == "not ilike"; }
bool IsOrderingOp(const std::string& op) { return op == "<" || op == ">" || op == "<=" || op == ">="; }
bool IsListOp(const std::string& op) { return op == "in" || op == "not in"; }

}  // namespace

RandomDomains::RandomDomains(std::uint64_t seed, const DomainTestData& data) : engine_(seed), data_(data) {}

Value RandomDomains::Next() { return List(TestPartner(), Between(1, 4)); }

Value RandomDomains::List(const Model& model, int depth) {
  Value list = Value::array();
  if (depth < 1) return list;
  const int count = Chance(0.05) ? 0 : Between(1, 3);
  for (int i = 0; i < count; ++i) {
    for (auto& token : Expression(model, depth)) list.push_back(std::move(token));
  }
  return list;
}

Value RandomDomains::Expression(const Model& model, int depth) {
  if (depth <= 1 || Chance(0.4)) return Value::array({Term(model, depth)});
  Value tokens = Value::array();
  const int kind = Between(0, 2);
  if (kind == 0) {
    tokens.push_back("!");
    for (auto& t : Expression(model, depth - 1)) tokens.push_back(std::move(t));
    return tokens;
  }
  tokens.push_back(kind == 1 ? "&" : "|");
  for (int side = 0; side < 2; ++side) {
    for (auto& t : Expression(model, depth - 1)) tokens.push_back(std::move(t));
  }
  return tokens;
}

Value RandomDomains::Term(const Model& model, int depth) {
  if (Chance(0.03)) return Value::array({Between(0, 1), "=", 1});  // TRUE_LEAF / FALSE_LEAF
  if (&model == &TestCategory()) return TagTerm(depth);
  if (&model == &TestCountry()) return CountryTerm();
  return PartnerTerm(depth);
}

Value RandomDomains::PartnerTerm(int depth) {
  static const std::vector<std::string> kNamePaths = {
      "parent_id.name",      "country_id.name",           "parent_id.country_id.code", "child_ids.name",
      "category_id.name",    "child_ids.category_id.name", "main_tag_id.name",          "parent_id.parent_id.name",
      "parent_id.display_name"};
  switch (Between(0, 24)) {
    case 0:
    case 1: return StringTerm("name", data_.partner_names);
    case 2: return StringTerm("comment", data_.words);
    case 3: return NumberTerm("color", true);
    case 4: return NumberTerm("credit", false);
    case 5: return BooleanTerm("is_company");
    case 6: return DateTerm("birthday", false);
    case 7: return DateTerm("last_seen", true);
    case 8: return SelectionTerm("kind");
    case 9: return BooleanTerm("active");
    case 10:
    case 11: return Many2oneTerm("parent_id", TestPartner(), data_.partners, true, depth);
    case 12: return Many2oneTerm("country_id", TestCountry(), data_.countries, false, depth);
    case 13: return Many2oneTerm("main_tag_id", TestCategory(), data_.tags, true, depth);
    case 14:
    case 15: return X2manyTerm("child_ids", TestPartner(), data_.partners, depth);
    case 16: return X2manyTerm("category_id", TestCategory(), data_.tags, depth);
    case 17: return IdTerm("id", data_.partners, true);
    case 18: return StringTerm("display_name", data_.partner_names);
    case 19: return StringTerm("country_code", data_.country_codes);
    case 20:
    case 21: {
      const std::string path = Pick(kNamePaths);
      const bool country = path.find("country_id.") != std::string::npos;
      const bool tag = path.find("category_id.") != std::string::npos || path.find("main_tag_id.") != std::string::npos;
      return StringTerm(path, country ? (path.ends_with("code") ? data_.country_codes : data_.country_names)
                                      : tag ? data_.tag_names : data_.partner_names);
    }
    case 22: return BooleanTerm(Pick(std::vector<std::string>{"child_ids.active", "category_id.active", "parent_id.active"}));
    case 23: return Chance(0.5) ? NumberTerm("child_ids.color", true) : NumberTerm("parent_id.credit", false);
    default: return DateTerm(Chance(0.5) ? "parent_id.birthday" : "child_ids.last_seen", Chance(0.5));
  }
}

Value RandomDomains::TagTerm(int depth) {
  switch (Between(0, 4)) {
    case 0:
    case 1: return StringTerm("name", data_.tag_names);
    case 2: return BooleanTerm("active");
    case 3: return Many2oneTerm("parent_id", TestCategory(), data_.tags, true, depth);
    default: return Chance(0.5) ? X2manyTerm("child_ids", TestCategory(), data_.tags, depth)
                                : IdTerm("id", data_.tags, true);
  }
}

Value RandomDomains::CountryTerm() {
  switch (Between(0, 2)) {
    case 0: return StringTerm("name", data_.country_names);
    case 1: return StringTerm("code", data_.country_codes);
    default: return IdTerm("id", data_.countries, false);
  }
}

Value RandomDomains::Pattern(const std::vector<std::string>& pool) {
  std::string text = Pick(pool);
  if (!text.empty() && Chance(0.7)) {
    const int start = Between(0, static_cast<int>(text.size()) - 1);
    text = text.substr(start, Between(1, static_cast<int>(text.size()) - start));
  }
  if (Chance(0.3)) {
    for (char& c : text) c = static_cast<char>(Chance(0.5) ? std::toupper(c) : std::tolower(c));
  }
  if (!text.empty() && Chance(0.2)) text[Between(0, static_cast<int>(text.size()) - 1)] = Chance(0.5) ? '_' : '%';
  if (!text.empty() && text.back() == '\\') text += "s";  // a trailing escape is refused (tested apart)
  return text;
}

Value RandomDomains::StringTerm(const std::string& path, const std::vector<std::string>& pool) {
  const std::string op = Pick(kStringOps);
  Value value;
  if (IsListOp(op)) {
    value = Value::array();
    for (int n = Between(0, 3); n > 0; --n) value.push_back(Chance(0.2) ? Value(false) : Value(Pick(pool)));
  } else if (IsLikeOp(op)) {
    value = Chance(0.1) ? Value(Chance(0.5) ? Value("") : Value(false)) : Pattern(pool);
  } else if (op == "=like" || op == "=ilike") {
    std::string pattern = Pattern(pool).get<std::string>();
    value = Chance(0.5) ? pattern + "%" : pattern;
  } else if (IsOrderingOp(op)) {
    value = Pattern(pool);
  } else if ((op == "=" || op == "!=") && Chance(0.1)) {
    value = Value::array({Pick(pool), Chance(0.3) ? Value(false) : Value(Pick(pool))});  // normalize_leaf: in / not in
  } else {
    const int roll = Between(0, 9);
    value = roll == 0 ? Value(false) : roll == 1 ? Value("") : roll == 2 ? Value() : Value(Pick(pool));
  }
  return Value::array({path, op, value});
}

Value RandomDomains::NumberTerm(const std::string& path, bool integer) {
  const std::string op = Pick(kNumberOps);
  auto number = [&]() -> Value {
    if (integer) return Between(-4, 11);
    if (!data_.credits.empty() && Chance(0.6)) return Pick(data_.credits);
    return Between(-200, 200) / 4.0;
  };
  Value value;
  if (IsListOp(op)) {
    value = Value::array();
    for (int n = Between(0, 3); n > 0; --n) value.push_back(Chance(0.2) ? Value(false) : (Chance(0.2) ? Value(0) : number()));
  } else if (IsLikeOp(op)) {
    value = Pick(std::vector<std::string>{"1", "0", "-", ".5", "2", ""});
  } else if (IsOrderingOp(op)) {
    value = Chance(0.2) ? Value(0) : number();
  } else {
    const int roll = Between(0, 6);
    value = roll == 0 ? Value(false) : roll == 1 ? Value(0) : number();
  }
  return Value::array({path, op, value});
}

Value RandomDomains::BooleanTerm(const std::string& path) {
  const std::vector<Value> values = {true, false, 0, 1, Value()};
  const std::string op = Pick(std::vector<std::string>{"=", "!=", "<>", "=?", "in", "not in"});
  Value value;
  if (IsListOp(op) && Chance(0.2)) {
    value = Chance(0.5);  // normalize_leaf: "in true" is "= true"
  } else if (IsListOp(op)) {
    value = Value::array();
    for (int n = Between(0, 2); n > 0; --n) value.push_back(Pick(values).is_null() ? Value(false) : Pick(values));
  } else {
    value = Pick(values);
  }
  return Value::array({path, op, value});
}

Value RandomDomains::DateTerm(const std::string& path, bool datetime) {
  const std::string op = Pick(kDateOps);
  auto one = [&]() -> std::string {
    const std::string full = Pick(datetime ? data_.datetimes : data_.dates);
    return datetime && Chance(0.4) ? full.substr(0, 10) : full;  // a bare day on a datetime
  };
  Value value;
  if (IsListOp(op)) {
    value = Value::array();
    for (int n = Between(0, 3); n > 0; --n) value.push_back(Chance(0.2) ? Value(false) : Value(one()));
  } else if (IsLikeOp(op)) {
    value = Pick(std::vector<std::string>{"2000", "-02-", "19", "23:59", "00:00:00", ""});
    if (Chance(0.2)) value = one().substr(0, 10);
  } else if (op == "=like" || op == "=ilike") {
    value = Pick(std::vector<std::string>{"199%", "2024-01-%", "20__-__-1%", "%59:59", "2023%"});
  } else if (IsOrderingOp(op)) {
    value = one();
  } else {
    value = Chance(0.2) ? Value(false) : Value(one());
  }
  return Value::array({path, op, value});
}

Value RandomDomains::SelectionTerm(const std::string& path) {
  const std::string op = Pick(std::vector<std::string>{"=", "!=", "<", ">", "in", "not in", "like", "ilike", "not ilike", "=like"});
  Value value;
  if (IsListOp(op)) {
    value = Value::array();
    for (int n = Between(0, 2); n > 0; --n) value.push_back(Chance(0.2) ? Value(false) : Value(Pick(kRandomKinds)));
  } else if (op == "=like") {
    value = Pick(std::vector<std::string>{"p%", "%o%", "", "company"});
  } else if (op == "=" || op == "!=") {
    value = Chance(0.2) ? Value(false) : Value(Pick(kRandomKinds));
  } else {
    value = Pick(kRandomKinds);
    if (IsOrderingOp(op) && value == "") value = "m";
  }
  return Value::array({path, op, value});
}

Value RandomDomains::Ids(int count, bool with_false) {
  Value ids = Value::array();
  for (int n = Between(0, 4); n > 0; --n) {
    const int roll = Between(0, 9);
    if (roll == 0 && with_false) {
      ids.push_back(false);
    } else if (roll == 1) {
      ids.push_back(count + 5);  // no such record
    } else {
      ids.push_back(Between(1, count));
    }
  }
  return ids;
}

Value RandomDomains::Names(const std::vector<std::string>& pool) {
  Value names = Value::array();
  for (int n = Between(1, 2); n > 0; --n) names.push_back(Pattern(pool));
  return names;
}

Value RandomDomains::Many2oneTerm(const std::string& path, const Model& comodel, int count, bool hierarchy,
                                  int depth) {
  const auto& pool = &comodel == &TestCountry() ? data_.country_names
                     : &comodel == &TestCategory() ? data_.tag_names
                                                   : data_.partner_names;
  switch (Between(0, 10)) {
    case 0:
      if (Chance(0.15)) return Value::array({path, Chance(0.5) ? "=" : "<>", Ids(count, true)});  // "= [..]" is "in"
      return Value::array({path, Chance(0.5) ? "=" : "!=", Chance(0.3) ? Value(false) : Value(Between(0, count))});
    case 1: return Value::array({path, Chance(0.5) ? "in" : "not in", Ids(count, true)});
    case 2: return Value::array({path, Pick(std::vector<std::string>{"<", ">", "<=", ">="}), Between(1, count)});
    case 3:
    case 4: {
      const std::string op = Pick(std::vector<std::string>{"=", "!=", "ilike", "not ilike", "like", "not like", "=like",
                                                             "=ilike", "<", "in", "not in"});
      if (IsListOp(op)) return Value::array({path, op, Names(pool)});
      return Value::array({path, op, Pattern(pool)});
    }
    case 5:
    case 6: return Value::array({path, Chance(0.5) ? "any" : "not any", List(comodel, depth - 1)});
    case 7:
      if (hierarchy) {
        const std::string op = Chance(0.5) ? "child_of" : "parent_of";
        switch (Between(0, 4)) {
          case 0: return Value::array({path, op, Between(1, count)});
          case 1: return Value::array({path, op, Ids(count, false)});
          case 2: return Value::array({path, op, Pattern(pool)});
          case 3: return Value::array({path, op, Names(pool)});
          default: return Value::array({path, op, false});
        }
      }
      return Value::array({path, "=", Between(1, count)});
    case 8: return Value::array({path, "=?", Chance(0.5) ? Value(false) : Value(Between(1, count))});
    case 9: return Value::array({path, Chance(0.5) ? "ilike" : "not like", false});
    default: return Value::array({path, Chance(0.5) ? "in" : "not in", Value::array()});
  }
}

Value RandomDomains::X2manyTerm(const std::string& path, const Model& comodel, int count, int depth) {
  const auto& pool = &comodel == &TestCategory() ? data_.tag_names : data_.partner_names;
  switch (Between(0, 6)) {
    case 0: return Value::array({path, Chance(0.5) ? "=" : "!=", Chance(0.4) ? Value(false) : Value(Between(0, count))});
    case 1: {
      Value ids = Ids(count, false);
      if (Chance(0.2)) ids.push_back(0);
      return Value::array({path, Chance(0.5) ? "in" : "not in", ids});
    }
    case 2: {
      const std::string& op =
          Pick(std::vector<std::string>{"=", "!=", "ilike", "not ilike", "like", "not like", "=like", "=ilike"});
      return Value::array({path, op, Pattern(pool)});
    }
    case 3:
    case 4: return Value::array({path, Chance(0.5) ? "any" : "not any", List(comodel, depth - 1)});
    default: {
      const std::string op = Chance(0.5) ? "child_of" : "parent_of";
      switch (Between(0, 3)) {
        case 0: return Value::array({path, op, Between(1, count)});
        case 1: return Value::array({path, op, Ids(count, false)});
        case 2: return Value::array({path, op, Pattern(pool)});
        default: return Value::array({path, op, false});
      }
    }
  }
}

Value RandomDomains::IdTerm(const std::string& path, int count, bool hierarchy) {
  switch (Between(0, hierarchy ? 4 : 3)) {
    case 0: return Value::array({path, Pick(std::vector<std::string>{"=", "!=", "<", ">", "<=", ">="}), Between(1, count)});
    case 1:
    case 2: return Value::array({path, Chance(0.5) ? "in" : "not in", Ids(count, true)});
    case 3: return Value::array({path, Chance(0.5) ? "=" : "!=", false});
    default: return Value::array({path, Chance(0.5) ? "child_of" : "parent_of", Chance(0.5) ? Ids(count, false) : Value(Between(1, count))});
  }
}

}  // namespace citadel::orm::testing
