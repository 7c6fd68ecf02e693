// The evaluator's walk over a domain, and what relational conditions mean:
//   * "many2one any D": the linked record satisfies D; archived records count
//     (Odoo follows many2one links with active_test off). "not any" is the
//     complement, unset links included.
//   * "x2many any D": some line satisfies D; under active_test, archived lines
//     do not count unless D itself names `active` (Odoo's _search).
//   * a name instead of an id: the records whose rec_name matches (ilike,
//     =, in... as written); a negative operator excludes the matches.
//   * "x2many = false": no line (one2many: no non-archived line).
//   * child_of: the given records and everything below them; parent_of: and
//     everything above. On the model's own one2many (child_ids), Odoo reads
//     "child_ids child_of X" as the records whose children are X or below:
//     X and its ancestors.
#include "orm/testing/domain_evaluator.hpp"

#include <algorithm>
#include <deque>
#include <functional>

#include "orm/testing/domain_evaluator_values.hpp"

namespace citadel::orm::testing {
namespace {

using evaluator::Truth;
using Op = DomainOperator;
using Ids = std::set<std::int64_t>;
using Row = InMemoryDataSet::Row;

Value CellOf(const Row& row, std::int64_t id, const Field& field) {
  if (field.name() == "id") return id;
  auto it = row.find(field.name());
  return it == row.end() ? Value() : it->second;
}

// Whether a sub-domain names `active` in a condition of its own (not within
// an any): then Odoo does not add its archived-records filter.
bool NamesActive(const DomainNode& node) {
  if (node.kind == DomainNode::Kind::kCondition) return node.field->name() == "active";
  return std::any_of(node.children.begin(), node.children.end(), NamesActive);
}

bool IsNames(const Value& v) {
  if (v.is_string()) return true;
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const Value& item) { return item.is_string(); });
}

class Evaluator {
 public:
  explicit Evaluator(const InMemoryDataSet& data) : data_(data) {}

  // The records of `model` for which `domain` holds, as Odoo's
  // model._search(domain) finds them with this active_test.
  const Ids& Search(const Model& model, const DomainNode& domain, bool active_test, bool filter_archived) {
    auto key = std::make_tuple(&domain, &model, active_test, filter_archived);
    if (auto it = searches_.find(key); it != searches_.end()) return it->second;
    Ids found;
    const Field* active = model.active();
    for (const auto& [id, row] : data_.Rows(model)) {
      if (filter_archived && active_test && active) {
        const Value flag = CellOf(row, id, *active);
        if (!(flag.is_boolean() && flag.get<bool>())) continue;
      }
      if (Eval(domain, model, id, row, active_test) == Truth::kTrue) found.insert(id);
    }
    return searches_.emplace(key, std::move(found)).first->second;
  }

  Truth Eval(const DomainNode& node, const Model& model, std::int64_t id, const Row& row, bool active_test) {
    switch (node.kind) {
      case DomainNode::Kind::kTrue: return Truth::kTrue;
      case DomainNode::Kind::kFalse: return Truth::kFalse;
      case DomainNode::Kind::kNot: return evaluator::Not(Eval(node.children.front(), model, id, row, active_test));
      case DomainNode::Kind::kAnd: {
        Truth all = Truth::kTrue;
        for (const auto& c : node.children) all = std::min(all, Eval(c, model, id, row, active_test));
        return all;
      }
      case DomainNode::Kind::kOr: {
        Truth any = Truth::kFalse;
        for (const auto& c : node.children) any = std::max(any, Eval(c, model, id, row, active_test));
        return any;
      }
      case DomainNode::Kind::kCondition: return Condition(node, model, id, row, active_test);
    }
    return Truth::kFalse;
  }

 private:
  Truth Condition(const DomainNode& node, const Model& model, std::int64_t id, const Row& row, bool active_test) {
    const Field& field = *node.field;
    Op op = node.op;
    if (op == Op::kEqualOrTrue) {
      if (node.value.is_boolean() && !node.value.get<bool>()) return Truth::kTrue;  // "if set, equal"
      op = Op::kEqual;
    }
    if (op == Op::kChildOf || op == Op::kParentOf) return Hierarchy(node, op, model, id, row, active_test);
    if (field.type() == FieldType::kMany2one) return Many2one(node, op, id, row);
    if (IsX2many(field.type())) return X2many(node, op, id, active_test);
    return evaluator::ColumnCondition(field, op, node.value, CellOf(row, id, field));
  }

  // Records of `model` whose name matches, as a name search finds them.
  const Ids& ByName(const Model& model, Op op, const Value& value, bool active_test) {
    const std::string key = model.name() + "|" + std::string(DomainOperatorName(op)) + "|" + value.dump() +
                            (active_test ? "|a" : "|-");
    if (auto it = names_.find(key); it != names_.end()) return it->second;
    auto node = std::make_shared<DomainNode>();
    node->kind = DomainNode::Kind::kCondition;
    node->field = model.rec_name();
    node->op = op;
    node->value = value;
    keep_.push_back(node);
    return names_.emplace(key, Search(model, *node, active_test, /*filter_archived=*/true)).first->second;
  }

  Truth Many2one(const DomainNode& node, Op op, std::int64_t id, const Row& row) {
    const Model& comodel = *node.field->comodel();
    const Value cell = CellOf(row, id, *node.field);
    // SQL's `col IN (sub-query)`: unknown for an unset link, unless nothing
    // is in the sub-query: then false (and NOT IN true), even for NULL.
    auto linked_in = [&](const Ids& set, bool excluded) {
      if (cell.is_null()) return excluded ? Truth::kTrue : (set.empty() ? Truth::kFalse : Truth::kUnknown);
      return evaluator::FromBool(set.count(cell.get<std::int64_t>()) != 0 ? !excluded : excluded);
    };
    if (op == Op::kAny || op == Op::kNotAny) {
      const Ids& matching = Search(comodel, *node.subdomain, /*active_test=*/false, /*filter_archived=*/false);
      return linked_in(matching, op == Op::kNotAny);
    }
    if (IsNames(node.value)) {
      // A name is looked up on the comodel; "<" and friends mean "is named".
      if (op == Op::kLess || op == Op::kGreater || op == Op::kLessEqual || op == Op::kGreaterEqual) {
        op = node.value.is_array() ? Op::kIn : Op::kEqual;
      }
      if (node.value.is_array() && op == Op::kEqual) op = Op::kIn;
      if (node.value.is_array() && op == Op::kNotEqual) op = Op::kNotIn;
      const bool negative = IsNegativeOperator(op);
      const Op lookup = negative ? *NegatedOperator(op) : op;
      return linked_in(ByName(comodel, lookup, node.value, false), negative);
    }
    return evaluator::ColumnCondition(*node.field, op, node.value, cell);
  }

  // The records of `model` whose many2one `link` holds each id.
  const std::map<std::int64_t, Ids>& PointingAt(const Model& model, const Field& link) {
    auto [it, fresh] = pointing_.try_emplace(&link);
    if (fresh) {
      for (const auto& [id, row] : data_.Rows(model)) {
        const Value target = CellOf(row, id, link);
        if (target.is_number()) it->second[target.get<std::int64_t>()].insert(id);
      }
    }
    return it->second;
  }

  // A record's lines: one2many, the comodel records pointing back at it;
  // many2many, the link table's targets.
  const Ids& Lines(const Field& field, std::int64_t id) {
    static const Ids kNone;
    if (field.type() == FieldType::kOne2many) {
      const auto& index = PointingAt(*field.comodel(), *field.inverse());
      auto it = index.find(id);
      return it == index.end() ? kNone : it->second;
    }
    auto [links, fresh] = links_.try_emplace(&field);
    if (fresh) {
      for (const auto& [from, to] : data_.Links(field)) links->second[from].insert(to);
    }
    auto it = links->second.find(id);
    return it == links->second.end() ? kNone : it->second;
  }

  Truth X2many(const DomainNode& node, Op op, std::int64_t id, bool active_test) {
    const Field& field = *node.field;
    const Model& comodel = *field.comodel();
    const Ids& lines = Lines(field, id);
    auto some_line_in = [&](const Ids& set) {
      return std::any_of(lines.begin(), lines.end(), [&](std::int64_t l) { return set.count(l) != 0; });
    };
    if (op == Op::kAny || op == Op::kNotAny) {
      const bool some = some_line_in(Search(comodel, *node.subdomain, active_test, !NamesActive(*node.subdomain)));
      return evaluator::FromBool(some == (op == Op::kAny));
    }
    const bool negative = IsNegativeOperator(op);
    const Value& value = node.value;
    if (value.is_boolean()) {  // false: "has no line" / "has lines"
      bool some = !lines.empty();
      if (field.type() == FieldType::kOne2many) {
        static const DomainNode kAll;  // TRUE; archived lines still do not count
        some = some_line_in(Search(comodel, kAll, active_test, /*filter_archived=*/true));
      }
      return evaluator::FromBool(some == (op == Op::kNotEqual));
    }
    if (value.is_string()) {
      const bool some = some_line_in(ByName(comodel, negative ? *NegatedOperator(op) : op, value, active_test));
      return evaluator::FromBool(some != negative);
    }
    Ids wanted;
    for (const auto& item : value.is_array() ? value : Value::array({value})) {
      const auto line = item.get<std::int64_t>();
      if (line != 0 || field.type() == FieldType::kOne2many) wanted.insert(line);
    }
    return evaluator::FromBool(some_line_in(wanted) != negative);
  }

  // The records reached from `start` following `parent` down (to children)
  // or up (to parents), the start included.
  Ids Walk(const Model& model, const Field& parent, const Ids& start, bool down) {
    Ids seen;
    std::deque<std::int64_t> queue;
    const auto& rows = data_.Rows(model);
    for (auto id : start) {
      if (rows.count(id) && seen.insert(id).second) queue.push_back(id);
    }
    while (!queue.empty()) {
      const std::int64_t current = queue.front();
      queue.pop_front();
      if (down) {
        const auto& children = PointingAt(model, parent);
        if (auto it = children.find(current); it != children.end()) {
          for (auto child : it->second) {
            if (seen.insert(child).second) queue.push_back(child);
          }
        }
      } else {
        const Value p = CellOf(rows.at(current), current, parent);
        if (p.is_number() && seen.insert(p.get<std::int64_t>()).second) queue.push_back(p.get<std::int64_t>());
      }
    }
    return seen;
  }

  Truth Hierarchy(const DomainNode& node, Op op, const Model& model, std::int64_t id, const Row& row,
                  bool active_test) {
    const Field& field = *node.field;
    const bool child_of = op == Op::kChildOf;
    const Model* comodel = field.comodel();
    // Where the tree is, along which link, which way, and how names are found.
    const Model* tree = comodel ? comodel : &model;
    const Field* link = tree->parent();
    bool down = child_of;
    bool names_active_test = active_test;
    if (field.name() == "id") {
      tree = &model;
      link = model.parent();
    } else if (field.type() == FieldType::kMany2one) {
      names_active_test = false;
      if (comodel == &model) link = &field;
    } else if (field.type() == FieldType::kOne2many && comodel == &model) {
      link = field.inverse();
      down = !child_of;  // "records whose children are in X": up from X
    }
    const auto key = std::make_pair(&node, active_test);
    if (!walks_.count(key)) {
      Ids start;
      if (IsNames(node.value)) {
        for (const auto& name : node.value) {
          const Ids& named = ByName(*tree, Op::kIlike, name, names_active_test);
          start.insert(named.begin(), named.end());
        }
      } else {
        for (const auto& item : node.value) {
          if (child_of || item.get<std::int64_t>() != 0) start.insert(item.get<std::int64_t>());
        }
      }
      walks_[key] = Walk(*tree, *link, start, down);
    }
    const Ids& reached = walks_[key];
    const bool self = field.name() == "id" || (comodel == &model && field.type() != FieldType::kMany2many);
    if (self) return evaluator::FromBool(reached.count(id) != 0);
    if (field.type() == FieldType::kMany2one) {
      const Value cell = CellOf(row, id, field);
      if (cell.is_null()) return reached.empty() ? Truth::kFalse : Truth::kUnknown;  // as `col IN (...)`
      return evaluator::FromBool(reached.count(cell.get<std::int64_t>()) != 0);
    }
    const Ids& lines = Lines(field, id);
    static const DomainNode kAll;
    const Ids& visible = field.type() == FieldType::kMany2many ? Search(*comodel, kAll, active_test, true)
                                                               : data_ids_of(*comodel);
    return evaluator::FromBool(std::any_of(lines.begin(), lines.end(), [&](std::int64_t l) {
      return reached.count(l) != 0 && visible.count(l) != 0;
    }));
  }

  const Ids& data_ids_of(const Model& model) {
    static const DomainNode kAll;
    return Search(model, kAll, false, false);
  }

  const InMemoryDataSet& data_;
  std::map<std::tuple<const DomainNode*, const Model*, bool, bool>, Ids> searches_;
  std::map<std::string, Ids> names_;
  std::vector<std::shared_ptr<DomainNode>> keep_;  // nodes behind names_' searches
  std::map<std::pair<const DomainNode*, bool>, Ids> walks_;
  std::map<const Field*, std::map<std::int64_t, Ids>> pointing_;  // by many2one: target -> records
  std::map<const Field*, std::map<std::int64_t, Ids>> links_;     // by many2many: record -> targets
};

}  // namespace

void InMemoryDataSet::Add(const Model& model, std::int64_t id, Row values) { rows_[&model][id] = std::move(values); }

void InMemoryDataSet::Link(const Field& many2many, std::int64_t record_id, std::int64_t target_id) {
  links_[&many2many].insert({record_id, target_id});
}

const std::map<std::int64_t, InMemoryDataSet::Row>& InMemoryDataSet::Rows(const Model& model) const {
  static const std::map<std::int64_t, Row> kNone;
  auto it = rows_.find(&model);
  return it == rows_.end() ? kNone : it->second;
}

const std::set<std::pair<std::int64_t, std::int64_t>>& InMemoryDataSet::Links(const Field& many2many) const {
  static const std::set<std::pair<std::int64_t, std::int64_t>> kNone;
  auto it = links_.find(&many2many);
  return it == links_.end() ? kNone : it->second;
}

std::set<std::int64_t> EvaluateDomain(const Domain& domain, const InMemoryDataSet& data, bool active_test) {
  Evaluator evaluator(data);
  return evaluator.Search(domain.model(), domain.root(), active_test, /*filter_archived=*/false);
}

}  // namespace citadel::orm::testing
