// The canonical form of a domain: Odoo 18's _tree_not, _tree_and, _tree_or and
// _tree_combine_anies (odoo/osv/expression.py), on DomainNodes.
//
// Why follow Odoo this closely rather than only "something equivalent": '!' in
// Odoo is not SQL's NOT. It negates the operator of the term ("!(d < x)" is
// "d >= x", which, like "d < x", is false on NULL), and the merge of `any`
// conditions decides whether an x2many sub-query filters archived records
// (the merged sub-domain may name `active`). Both change which rows match.
#include <map>
#include <utility>

#include "orm/domain_internal.hpp"

namespace citadel::orm::domain_internal {
namespace {

using Kind = DomainNode::Kind;
using Op = DomainOperator;

DomainNode Flatten(Kind kind, std::vector<DomainNode> nodes) {
  // AND: TRUE vanishes, FALSE absorbs; OR the other way round.
  const Kind unit = kind == Kind::kAnd ? Kind::kTrue : Kind::kFalse;
  const Kind zero = kind == Kind::kAnd ? Kind::kFalse : Kind::kTrue;
  std::vector<DomainNode> children;
  for (auto& node : nodes) {
    if (node.kind == unit) continue;
    if (node.kind == zero) return node;
    if (node.kind == kind) {
      for (auto& child : node.children) children.push_back(std::move(child));
    } else {
      children.push_back(std::move(node));
    }
  }
  if (children.empty()) return kind == Kind::kAnd ? MakeTrue() : MakeFalse();
  if (children.size() == 1) return std::move(children.front());
  DomainNode result;
  result.kind = kind;
  result.children = std::move(children);
  return result;
}

DomainNode WithSubdomain(const DomainNode& model_condition, Op op, DomainNode subdomain) {
  DomainNode node;
  node.kind = Kind::kCondition;
  node.field = model_condition.field;
  node.op = op;
  node.term = model_condition.term;
  node.subdomain = std::make_shared<const DomainNode>(std::move(subdomain));
  return node;
}

bool IsAny(const DomainNode& node, Op op) { return node.kind == Kind::kCondition && node.op == op; }

// Groups by field in order of first appearance, as Odoo's defaultdict does.
using Groups = std::vector<std::pair<const Field*, std::vector<DomainNode>>>;
void AddToGroup(Groups& groups, const DomainNode& condition) {
  for (auto& [field, subs] : groups) {
    if (field == condition.field) {
      subs.push_back(*condition.subdomain);
      return;
    }
  }
  groups.push_back({condition.field, {*condition.subdomain}});
}

}  // namespace

DomainNode MakeTrue() { return DomainNode{}; }

DomainNode MakeFalse() {
  DomainNode node;
  node.kind = Kind::kFalse;
  return node;
}

DomainNode Negate(DomainNode node) {
  switch (node.kind) {
    case Kind::kTrue: return MakeFalse();
    case Kind::kFalse: return MakeTrue();
    case Kind::kNot: return std::move(node.children.front());
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<DomainNode> negated;
      for (auto& child : node.children) negated.push_back(Negate(std::move(child)));
      return node.kind == Kind::kAnd ? OneOf(std::move(negated)) : AllOf(std::move(negated));
    }
    case Kind::kCondition: break;
  }
  if (node.op == Op::kEqualOrTrue) {
    // Odoo settles '=?' here: a true value makes it '=', a false one TRUE.
    if (!IsTruthy(node.value)) return MakeFalse();
    node.op = Op::kEqual;
  }
  if (auto negated = NegatedOperator(node.op)) {
    node.op = *negated;
    return node;
  }
  DomainNode wrapper;
  wrapper.kind = Kind::kNot;
  wrapper.children.push_back(std::move(node));
  return wrapper;
}

DomainNode AllOf(std::vector<DomainNode> nodes) { return Flatten(Kind::kAnd, std::move(nodes)); }
DomainNode OneOf(std::vector<DomainNode> nodes) { return Flatten(Kind::kOr, std::move(nodes)); }

DomainNode CombineAnies(DomainNode tree) {
  if (tree.kind == Kind::kNot) {
    tree = Negate(CombineAnies(std::move(tree.children.front())));
  } else if (tree.kind == Kind::kAnd || tree.kind == Kind::kOr) {
    std::vector<DomainNode> combined;
    for (auto& child : tree.children) combined.push_back(CombineAnies(std::move(child)));
    tree = tree.kind == Kind::kAnd ? AllOf(std::move(combined)) : OneOf(std::move(combined));
  }
  if (IsAny(tree, Op::kAny) || IsAny(tree, Op::kNotAny)) {
    return WithSubdomain(tree, tree.op, CombineAnies(*tree.subdomain));
  }
  if (tree.kind != Kind::kAnd && tree.kind != Kind::kOr) return tree;

  const bool is_and = tree.kind == Kind::kAnd;
  std::vector<DomainNode> children;
  Groups any_groups, not_any_groups;
  std::map<const Field*, DomainNode> first_condition;  // for the merged node's field and term
  for (auto& child : tree.children) {
    if (IsAny(child, Op::kAny)) {
      AddToGroup(any_groups, child);
    } else if (IsAny(child, Op::kNotAny)) {
      AddToGroup(not_any_groups, child);
    } else {
      children.push_back(std::move(child));
      continue;
    }
    first_condition.try_emplace(child.field, child);
  }
  // Merging is exact when the sub-domains meet on one comodel record: always
  // for "any OR any" and "not any AND not any"; for a many2one (one record at
  // most) also "any AND any" and "not any OR not any".
  auto merge = [&](const Groups& groups, Op op, bool merge_always) {
    for (const auto& [field, subs] : groups) {
      const DomainNode& first = first_condition.at(field);
      const bool many2one = field->type() == FieldType::kMany2one;
      if (merge_always) {
        children.push_back(WithSubdomain(first, op, CombineAnies(OneOf(subs))));
      } else if (many2one && subs.size() > 1) {
        children.push_back(WithSubdomain(first, op, CombineAnies(AllOf(subs))));
      } else {
        for (const auto& sub : subs) children.push_back(WithSubdomain(first, op, CombineAnies(sub)));
      }
    }
  };
  if (is_and) {
    merge(any_groups, Op::kAny, /*merge_always=*/false);
    merge(not_any_groups, Op::kNotAny, /*merge_always=*/true);
    return AllOf(std::move(children));
  }
  merge(any_groups, Op::kAny, /*merge_always=*/true);
  merge(not_any_groups, Op::kNotAny, /*merge_always=*/false);
  return OneOf(std::move(children));
}

}  // namespace citadel::orm::domain_internal
