// The evaluator's reading of a raw domain (see domain_evaluator_reading.hpp).
// Written from the documented behaviour, not from the ORM's parser: prefix
// notation is read with a stack from the right, dotted paths are split here,
// and negation and the merge of `any` leaves follow the equivalences Odoo's
// docstrings state.
#include "orm/testing/domain_evaluator_reading.hpp"

#include <set>
#include <stdexcept>
#include <utility>

namespace citadel::orm::testing::evaluator {
namespace {

using Kind = Expr::Kind;

const std::set<std::string>& Operators() {
  static const std::set<std::string> operators = {
      "=",  "!=",     "<>",     "<",        ">",         "<=",        ">=",  "=?", "like", "not like",
      "ilike", "not ilike", "=like", "=ilike", "in", "not in", "child_of", "parent_of", "any", "not any"};
  return operators;
}

[[noreturn]] void Unreadable(const std::string& why, const Value& item) {
  throw std::invalid_argument("evaluator cannot read " + item.dump() + ": " + why);
}

// Python compares (True, '=', 1) equal to (1, '=', 1): numbers and booleans
// by value.
bool PythonEquals(const Value& v, double number) {
  if (v.is_boolean()) return (v.get<bool>() ? 1.0 : 0.0) == number;
  return v.is_number() && v.get<double>() == number;
}

// Odoo's TRUE_LEAF (1, '=', 1) / FALSE_LEAF (0, '=', 1).
bool IsConstantLeaf(const Value& item, double left) {
  return item.is_array() && item.size() == 3 && PythonEquals(item[0], left) && item[1] == "=" &&
         PythonEquals(item[2], 1);
}

Expr Constant(bool truth) {
  Expr e;
  e.kind = truth ? Kind::kTrue : Kind::kFalse;
  return e;
}

Expr ReadList(const Model& model, const Value& list);

Expr ReadLeaf(const Model& model, const Value& item) {
  if (item.size() != 3) Unreadable("a leaf has three items", item);
  if (IsConstantLeaf(item, 1)) return Constant(true);
  if (IsConstantLeaf(item, 0)) return Constant(false);
  if (!item[0].is_string() || item[0].get_ref<const std::string&>().empty()) Unreadable("no field name", item);
  if (!item[1].is_string() || !Operators().count(item[1].get<std::string>())) Unreadable("unknown operator", item);
  std::string op = item[1].get<std::string>();
  if (op == "<>") op = "!=";
  const std::string& path = item[0].get_ref<const std::string&>();
  const auto dot = path.find('.');
  const Field* field = model.FindField(path.substr(0, dot));
  if (!field) Unreadable("no such field on " + model.name(), item);
  if (dot != std::string::npos) {
    // "a.rest op v" is "a any [rest op v]", whatever the operator.
    if (!IsRelational(field->type())) Unreadable("a path through a field that is not relational", item);
    const Value inner = Value::array({path.substr(dot + 1), op, item[2]});
    return MakeAny(*field, "any", ReadLeaf(*field->comodel(), inner));
  }
  if (op == "any" || op == "not any") {
    if (!IsRelational(field->type()) || !item[2].is_array()) Unreadable("any needs a relation and a list", item);
    return MakeAny(*field, op, ReadList(*field->comodel(), item[2]));
  }
  return MakeLeaf(*field, op, item[2]);
}

// Right to left: each operator takes the expressions read after it.
Expr ReadList(const Model& model, const Value& list) {
  if (!list.is_array()) Unreadable("a domain is a list", list);
  std::vector<Expr> stack;
  auto pop = [&](const Value& at) {
    if (stack.empty()) Unreadable("an operator lacks operands", at);
    Expr top = std::move(stack.back());
    stack.pop_back();
    return top;
  };
  for (std::size_t i = list.size(); i-- > 0;) {
    const Value& item = list[i];
    if (item.is_array()) {
      stack.push_back(ReadLeaf(model, item));
    } else if (item == "!") {
      stack.push_back(Negate(pop(item)));
    } else if (item == "&" || item == "|") {
      Expr first = pop(item);
      Expr second = pop(item);
      std::vector<Expr> both;
      both.push_back(std::move(first));
      both.push_back(std::move(second));
      stack.push_back(item == "&" ? MakeAnd(std::move(both)) : MakeOr(std::move(both)));
    } else {
      Unreadable("neither a leaf nor '&', '|', '!'", item);
    }
  }
  std::vector<Expr> remaining;  // in the client's order
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) remaining.push_back(std::move(*it));
  return MakeAnd(std::move(remaining));
}

Expr Flatten(Kind kind, std::vector<Expr> children) {
  const Kind unit = kind == Kind::kAnd ? Kind::kTrue : Kind::kFalse;
  const Kind zero = kind == Kind::kAnd ? Kind::kFalse : Kind::kTrue;
  Expr result;
  result.kind = kind;
  for (auto& child : children) {
    if (child.kind == unit) continue;
    if (child.kind == zero) return Constant(zero == Kind::kTrue);
    if (child.kind == kind) {
      for (auto& grandchild : child.children) result.children.push_back(std::move(grandchild));
    } else {
      result.children.push_back(std::move(child));
    }
  }
  if (result.children.empty()) return Constant(unit == Kind::kTrue);
  if (result.children.size() == 1) return std::move(result.children.front());
  return result;
}

bool IsAnyLeaf(const Expr& e, const char* op) { return e.kind == Kind::kLeaf && e.op == op; }

Expr Combine(Expr expr);

// In one AND or OR: the `any` (and the `not any`) leaves of each field,
// merged where the documented equivalences allow.
Expr MergeAnies(Expr node) {
  const bool is_and = node.kind == Kind::kAnd;
  std::vector<Expr> children;
  using Groups = std::vector<std::pair<const Field*, std::vector<Expr>>>;
  Groups anies, not_anies;
  auto add = [](Groups& groups, const Expr& leaf) {
    for (auto& [field, subs] : groups) {
      if (field == leaf.field) {
        subs.push_back(*leaf.sub);
        return;
      }
    }
    groups.push_back({leaf.field, {*leaf.sub}});
  };
  for (auto& child : node.children) {
    if (IsAnyLeaf(child, "any")) {
      add(anies, child);
    } else if (IsAnyLeaf(child, "not any")) {
      add(not_anies, child);
    } else {
      children.push_back(std::move(child));
    }
  }
  // merge_by_or: always; merge_by_and: for a many2one only (one record).
  auto emit = [&](Groups& groups, const char* op, bool merge_by_or, bool merge_by_and) {
    for (auto& [field, subs] : groups) {
      const bool many2one = field->type() == FieldType::kMany2one;
      if (merge_by_or) {
        children.push_back(MakeAny(*field, op, Combine(MakeOr(std::move(subs)))));
      } else if (merge_by_and && many2one && subs.size() > 1) {
        children.push_back(MakeAny(*field, op, Combine(MakeAnd(std::move(subs)))));
      } else {
        for (auto& sub : subs) children.push_back(MakeAny(*field, op, Combine(std::move(sub))));
      }
    }
  };
  emit(anies, "any", /*merge_by_or=*/!is_and, /*merge_by_and=*/is_and);
  emit(not_anies, "not any", /*merge_by_or=*/is_and, /*merge_by_and=*/!is_and);
  return is_and ? MakeAnd(std::move(children)) : MakeOr(std::move(children));
}

Expr Combine(Expr expr) {
  if (expr.kind == Kind::kLeaf && expr.sub) {
    expr.sub = std::make_shared<const Expr>(Combine(*expr.sub));
    return expr;
  }
  if (expr.kind != Kind::kAnd && expr.kind != Kind::kOr) return expr;
  const Kind kind = expr.kind;
  std::vector<Expr> children;
  for (auto& child : expr.children) children.push_back(Combine(std::move(child)));
  Expr rebuilt = Flatten(kind, std::move(children));
  if (rebuilt.kind != kind) return rebuilt;
  return MergeAnies(std::move(rebuilt));
}

}  // namespace

bool PythonTruthy(const Value& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0;
  // (json::empty() is false for every string: its size is the character count's.)
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  if (value.is_array() || value.is_object()) return !value.empty();
  return false;
}

bool IsNegative(const std::string& op) {
  return op == "!=" || op == "not like" || op == "not ilike" || op == "not in";
}

std::string Opposite(const std::string& op) {
  static const std::vector<std::pair<std::string, std::string>> pairs = {
      {"<", ">="}, {">", "<="}, {"=", "!="}, {"in", "not in"}, {"like", "not like"}, {"ilike", "not ilike"},
      {"any", "not any"}};
  for (const auto& [a, b] : pairs) {
    if (op == a) return b;
    if (op == b) return a;
  }
  return "";
}

Expr MakeLeaf(const Field& field, std::string op, Value value) {
  // Odoo's leaf normalisation: `in True` is `= True`, `= [..]` is `in [..]`.
  if ((op == "in" || op == "not in") && value.is_boolean()) op = op == "in" ? "=" : "!=";
  if ((op == "=" || op == "!=") && value.is_array()) op = op == "=" ? "in" : "not in";
  Expr e;
  e.kind = Kind::kLeaf;
  e.field = &field;
  e.op = std::move(op);
  e.value = std::move(value);
  return e;
}

Expr MakeAny(const Field& field, std::string op, Expr sub) {
  Expr e;
  e.kind = Kind::kLeaf;
  e.field = &field;
  e.op = std::move(op);
  e.sub = std::make_shared<const Expr>(std::move(sub));
  return e;
}

Expr MakeAnd(std::vector<Expr> children) { return Flatten(Kind::kAnd, std::move(children)); }
Expr MakeOr(std::vector<Expr> children) { return Flatten(Kind::kOr, std::move(children)); }

Expr Negate(Expr expr) {
  switch (expr.kind) {
    case Kind::kTrue: return Constant(false);
    case Kind::kFalse: return Constant(true);
    case Kind::kNot: return std::move(expr.children.front());
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<Expr> negated;
      for (auto& child : expr.children) negated.push_back(Negate(std::move(child)));
      return expr.kind == Kind::kAnd ? MakeOr(std::move(negated)) : MakeAnd(std::move(negated));
    }
    case Kind::kLeaf: break;
  }
  if (expr.op == "=?") {
    if (!PythonTruthy(expr.value)) return Constant(false);
    expr.op = "=";
  }
  if (std::string opposite = Opposite(expr.op); !opposite.empty()) {
    expr.op = std::move(opposite);
    return expr;
  }
  Expr wrapper;
  wrapper.kind = Kind::kNot;
  wrapper.children.push_back(std::move(expr));
  return wrapper;
}

bool NamesActive(const Expr& expr) {
  if (expr.kind == Kind::kLeaf) return expr.field->name() == "active";
  for (const auto& child : expr.children) {
    if (NamesActive(child)) return true;
  }
  return false;
}

bool RawNamesActive(const Value& domain) {
  if (!domain.is_array()) return false;
  for (const auto& item : domain) {
    if (item.is_array() && !item.empty() && item[0] == "active") return true;
  }
  return false;
}

Expr ReadDomain(const Model& model, const Value& domain) { return Combine(ReadList(model, domain)); }

}  // namespace citadel::orm::testing::evaluator
