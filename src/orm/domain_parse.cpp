// Domain::Parse: the structure of a client's domain (prefix notation, terms,
// paths) and its bounds; values are checked in domain_term_value.cpp and the
// canonical form is built with domain_canonical.cpp.
#include <array>
#include <deque>
#include <utility>

#include "orm/domain_internal.hpp"
#include "orm/field_path.hpp"
#include "orm/errors.hpp"

namespace citadel::orm {

using domain_internal::AllOf;
using domain_internal::CombineAnies;
using domain_internal::FailTerm;
using domain_internal::Negate;
using domain_internal::OneOf;
using domain_internal::TermText;

namespace {

using Op = DomainOperator;

struct OperatorName {
  Op op;
  std::string_view name;
};
constexpr std::array<OperatorName, 19> kOperatorNames = {{
    {Op::kEqual, "="},         {Op::kNotEqual, "!="},      {Op::kLess, "<"},
    {Op::kGreater, ">"},       {Op::kLessEqual, "<="},     {Op::kGreaterEqual, ">="},
    {Op::kEqualOrTrue, "=?"},  {Op::kLike, "like"},        {Op::kNotLike, "not like"},
    {Op::kIlike, "ilike"},     {Op::kNotIlike, "not ilike"}, {Op::kEqualLike, "=like"},
    {Op::kEqualIlike, "=ilike"}, {Op::kIn, "in"},          {Op::kNotIn, "not in"},
    {Op::kChildOf, "child_of"}, {Op::kParentOf, "parent_of"}, {Op::kAny, "any"},
    {Op::kNotAny, "not any"},
}};

// Longer than any domain within the term bound could need: '!' is bounded by
// the depth, and '&'/'|' by the number of terms.
constexpr std::size_t kMaxListItems = 3 * kMaxDomainTerms;
// Related fields expanded within one path, against cycles of related fields.
constexpr int kMaxRelatedHops = 8;

[[noreturn]] void FailDomain(const std::string& why) { throw ValidationError("Invalid domain: " + why); }

// Where the parse stands in a list: the node built so far and how deep it is
// counted in the client's own nesting ('&' inside '&' counts once).
struct Operand {
  DomainNode node;
  int depth = 0;
  char joined_by = 0;  // '&', '|', '!' or 0 for a term
};

class Parser {
 public:
  // `budget`: how many levels of nesting this list may still use.
  Operand List(const Model& model, const Value& list, int budget);

 private:
  Operand Term(const Model& model, const Value& term, int budget);
  DomainNode Condition(const Model& model, const Value& term, const std::string& text, int budget, int& depth);

  std::size_t terms_ = 0;
  std::size_t list_items_ = 0;
};

int Joined(const Operand& operand, char op) { return operand.joined_by == op ? operand.depth : operand.depth + 1; }

Operand Parser::List(const Model& model, const Value& list, int budget) {
  if (!list.is_array()) FailDomain("a domain is a list of terms and operators");
  if (list.size() > kMaxListItems) FailDomain("too many items");
  // Right to left with a stack, as prefix notation reads: an operator takes
  // the operands that follow it; what is left at the end is ANDed (Odoo's
  // implicit '&').
  std::vector<Operand> stack;
  for (std::size_t i = list.size(); i-- > 0;) {
    const Value& item = list[i];
    if (item.is_array()) {
      stack.push_back(Term(model, item, budget));
      continue;
    }
    const std::string text = TermText(item);
    if (!item.is_string() || (item != "&" && item != "|" && item != "!")) {
      FailDomain("item " + text + " is neither a term nor one of the operators '&', '|', '!'");
    }
    const char op = item.get_ref<const std::string&>()[0];
    const std::size_t arity = op == '!' ? 1 : 2;
    if (stack.size() < arity) FailDomain("operator " + text + " at position " + std::to_string(i) + " lacks operands");
    Operand result;
    result.joined_by = op;
    if (op == '!') {
      Operand operand = std::move(stack.back());
      stack.pop_back();
      result.depth = operand.depth + 1;
      result.node = Negate(std::move(operand.node));
    } else {
      Operand left = std::move(stack.back());
      stack.pop_back();
      Operand right = std::move(stack.back());
      stack.pop_back();
      result.depth = std::max(Joined(left, op), Joined(right, op));
      std::vector<DomainNode> both;
      both.push_back(std::move(left.node));
      both.push_back(std::move(right.node));
      result.node = op == '&' ? AllOf(std::move(both)) : OneOf(std::move(both));
    }
    if (result.depth > budget) FailDomain("nested deeper than " + std::to_string(kMaxDomainDepth) + " levels");
    stack.push_back(std::move(result));
  }
  Operand all;
  all.joined_by = '&';
  std::vector<DomainNode> nodes;
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    all.depth = std::max(all.depth, stack.size() > 1 ? Joined(*it, '&') : it->depth);
    nodes.push_back(std::move(it->node));
  }
  if (all.depth > budget) FailDomain("nested deeper than " + std::to_string(kMaxDomainDepth) + " levels");
  all.node = AllOf(std::move(nodes));  // an empty domain is TRUE
  return all;
}

Operand Parser::Term(const Model& model, const Value& term, int budget) {
  const std::string text = TermText(term);
  if (++terms_ > kMaxDomainTerms) FailDomain("more than " + std::to_string(kMaxDomainTerms) + " terms");
  if (term.size() != 3) FailTerm(text, "a term is [field, operator, value]");
  Operand result;
  // Odoo's TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1).
  if (term[0].is_number_integer() && term[1] == "=" && term[2].is_number_integer() && term[2] == 1 &&
      (term[0] == 0 || term[0] == 1)) {
    result.node = term[0] == 1 ? domain_internal::MakeTrue() : domain_internal::MakeFalse();
    result.depth = 1;
    return result;
  }
  result.node = Condition(model, term, text, budget, result.depth);
  return result;
}

DomainNode Parser::Condition(const Model& model, const Value& term, const std::string& text, int budget,
                             int& depth) {
  if (!term[1].is_string()) FailTerm(text, "the operator must be a string");
  const auto op = DomainOperatorFromName(term[1].get_ref<const std::string&>());
  if (!op) throw ValidationError("Invalid operator " + TermText(term[1]) + " in leaf " + text);
  if (!term[0].is_string() || term[0].get_ref<const std::string&>().empty()) {
    FailTerm(text, "the field must be a non-empty string");
  }
  if (term[0].get_ref<const std::string&>().size() > kMaxDomainString) FailTerm(text, "the field name is too long");

  // The path: every segment but the last a relational field; display_name
  // and non-stored related fields replaced by what they stand for.
  std::vector<const Field*> steps;
  const Model* current = &model;
  std::deque<std::string> segments = SplitFieldPath(term[0].get<std::string>());
  const Field* last = nullptr;
  int related_hops = 0;
  // The term's own (last) field when it is a non-stored related one: Odoo
  // negates the term's operator before expanding such a field
  // (_search_related), so the condition keeps it until ExpandRelated runs,
  // after '!' and the merge of anies. `last` is then its target, for checks.
  const Field* related_leaf = nullptr;
  std::size_t user_steps = 0;
  while (!segments.empty()) {
    const std::string segment = std::move(segments.front());
    segments.pop_front();
    const Field* field = current->FindField(segment);
    if (!field) throw ValidationError("Invalid field " + current->name() + "." + segment + " in leaf " + text);
    if (!field->def().related.empty() && !field->stored()) {  // no column of its own: search its path
      if (++related_hops > kMaxRelatedHops) FailTerm(text, "related fields nest too deep");
      if (related_hops == 1 && segments.empty() && *op != Op::kAny && *op != Op::kNotAny) {
        related_leaf = field;
        user_steps = steps.size();
      }
      auto related = SplitFieldPath(field->def().related);
      segments.insert(segments.begin(), related.begin(), related.end());
      continue;
    }
    if (field->name() == "display_name" && !field->stored() && segments.empty()) {
      // Odoo's _search_display_name: the name is searched on _rec_name.
      const Field* rec_name = current->rec_name();
      if (!rec_name || rec_name->name() == "display_name") {
        FailTerm(text, "model " + current->name() + " has no name field to search");
      }
      segments.push_front(rec_name->name());
      continue;
    }
    if (field->computed() && !field->stored()) {
      // Odoo: "Non-stored field ... cannot be searched" (a field with no search method).
      FailTerm(text, "non-stored field " + current->name() + "." + field->name() + " cannot be searched");
    }
    if (segments.empty()) {
      if (!field->stored() && !IsX2many(field->type())) {
        FailTerm(text, "non-stored field " + current->name() + "." + field->name() + " cannot be searched");
      }
      last = field;
      break;
    }
    if (!IsRelational(field->type())) {
      FailTerm(text, "field " + current->name() + "." + field->name() + " is not relational; no path through it");
    }
    steps.push_back(field);
    current = field->comodel();
  }

  depth = static_cast<int>(steps.size()) + 1;
  if (depth > budget) FailDomain("nested deeper than " + std::to_string(kMaxDomainDepth) + " levels");
  DomainNode condition;
  condition.kind = DomainNode::Kind::kCondition;
  condition.field = last;
  condition.term = text;
  if (*op == Op::kAny || *op == Op::kNotAny) {
    if (!IsRelational(last->type())) FailTerm(text, "any and not any apply to relational fields only");
    if (!term[2].is_array()) FailTerm(text, "any and not any take a domain (a list)");
    Operand sub = List(*last->comodel(), term[2], budget - depth);
    depth += sub.depth;
    condition.op = *op;
    condition.subdomain = std::make_shared<const DomainNode>(std::move(sub.node));
  } else if (last->type() == FieldType::kBinary) {
    // Odoo's attachment binaries: set or not set, nothing else (Odoo logs
    // and ignores other terms; a silent TRUE would mislead, so refused).
    if ((*op != Op::kEqual && *op != Op::kNotEqual) || domain_internal::IsTruthy(term[2])) {
      FailTerm(text, "binary field " + last->model().name() + "." + last->name() +
                         " can only be searched with = False or != False");
    }
    condition.op = *op;
    condition.value = false;
  } else {
    if (term[2].is_array()) {
      list_items_ += term[2].size();
      if (list_items_ > kMaxDomainListItemsTotal) FailDomain("more than 100,000 list items in all");
    }
    auto checked = domain_internal::CheckTermValue(*last, *op, term[2], text);
    condition.op = checked.op;
    condition.value = std::move(checked.value);
  }
  if (related_leaf) {
    condition.field = related_leaf;
    steps.resize(user_steps);
  }
  // "a.b.c op v" is "a any [b any [c op v]]" (Odoo's _anyfy_leaves).
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
    DomainNode outer;
    outer.kind = DomainNode::Kind::kCondition;
    outer.field = *it;
    outer.op = Op::kAny;
    outer.term = text;
    outer.subdomain = std::make_shared<const DomainNode>(std::move(condition));
    condition = std::move(outer);
  }
  return condition;
}

}  // namespace

std::string_view DomainOperatorName(DomainOperator op) {
  for (const auto& entry : kOperatorNames) {
    if (entry.op == op) return entry.name;
  }
  return "=";
}

std::optional<DomainOperator> DomainOperatorFromName(std::string_view name) {
  if (name == "<>") return Op::kNotEqual;
  for (const auto& entry : kOperatorNames) {
    if (entry.name == name) return entry.op;
  }
  return std::nullopt;
}

bool IsNegativeOperator(DomainOperator op) {
  return op == Op::kNotEqual || op == Op::kNotLike || op == Op::kNotIlike || op == Op::kNotIn;
}

std::optional<DomainOperator> NegatedOperator(DomainOperator op) {
  switch (op) {
    case Op::kLess: return Op::kGreaterEqual;
    case Op::kGreater: return Op::kLessEqual;
    case Op::kLessEqual: return Op::kGreater;
    case Op::kGreaterEqual: return Op::kLess;
    case Op::kEqual: return Op::kNotEqual;
    case Op::kNotEqual: return Op::kEqual;
    case Op::kIn: return Op::kNotIn;
    case Op::kNotIn: return Op::kIn;
    case Op::kLike: return Op::kNotLike;
    case Op::kNotLike: return Op::kLike;
    case Op::kIlike: return Op::kNotIlike;
    case Op::kNotIlike: return Op::kIlike;
    case Op::kAny: return Op::kNotAny;
    case Op::kNotAny: return Op::kAny;
    default: return std::nullopt;
  }
}

Domain Domain::Parse(const Model& model, const Value& domain) {
  Parser parser;
  Operand parsed = parser.List(model, domain, kMaxDomainDepth);
  return Domain(model, domain_internal::ExpandRelated(CombineAnies(std::move(parsed.node))));
}

Domain Domain::FromCanonical(const Model& model, DomainNode root) { return Domain(model, std::move(root)); }

Value WithActiveTest(const Value& domain, const Model& model, bool active_test) {
  if (!active_test || !model.active() || !domain.is_array()) return domain;
  for (const auto& item : domain) {
    if (item.is_array() && !item.empty() && item[0] == model.active()->name()) return domain;
  }
  Value with_active = Value::array({Value::array({model.active()->name(), "=", true})});
  for (const auto& item : domain) with_active.push_back(item);
  return with_active;
}

bool MentionsFieldAtTop(const DomainNode& node, std::string_view name) {
  switch (node.kind) {
    case DomainNode::Kind::kCondition: return node.field->name() == name;
    case DomainNode::Kind::kAnd:
    case DomainNode::Kind::kOr:
    case DomainNode::Kind::kNot:
      for (const auto& child : node.children) {
        if (MentionsFieldAtTop(child, name)) return true;
      }
      return false;
    default: return false;
  }
}

}  // namespace citadel::orm
