// The evaluator's walk over its own reading of a domain (see
// domain_evaluator.hpp for what each kind of leaf means), record by record,
// in SQL's three-valued logic: the few NOTs Odoo keeps (around =like,
// =ilike, child_of, parent_of) are SQL's, so an unknown stays unknown.
#include "orm/testing/domain_evaluator.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include "orm/testing/domain_evaluator_reading.hpp"
#include "orm/testing/domain_evaluator_values.hpp"

namespace citadel::orm::testing {
namespace {

using evaluator::Expr;
using evaluator::FromBool;
using evaluator::Truth;
using Ids = std::set<std::int64_t>;
using Row = InMemoryDataSet::Row;

// A record as the evaluator reads it: its cells by the field's position in
// its model (looking columns up by name was a third of the run under the
// sanitizers).
struct Record {
  std::int64_t id;
  const InMemoryDataSet::Cells* cells;
};

bool IsUnset(const Value& v) { return v.is_null() || (v.is_boolean() && !v.get<bool>()); }

bool AreNames(const Value& v) {
  if (v.is_string()) return true;
  if (!v.is_array() || v.empty()) return false;
  return std::all_of(v.begin(), v.end(), [](const Value& item) { return item.is_string(); });
}

[[noreturn]] void Unsupported(const Field& field, const std::string& what) {
  throw std::invalid_argument("evaluator: " + what + " on " + field.model().name() + "." + field.name());
}

// `link IN (set)`: unknown for an unset link, unless the set is empty.
Truth LinkIn(const Value& link, const Ids& set) {
  if (link.is_null()) return set.empty() ? Truth::kFalse : Truth::kUnknown;
  return FromBool(set.count(link.get<std::int64_t>()) != 0);
}

// `link NOT IN (set) OR link IS NULL`.
Truth LinkNotInOrUnset(const Value& link, const Ids& set) {
  return FromBool(link.is_null() || set.count(link.get<std::int64_t>()) == 0);
}

class Evaluator {
 public:
  explicit Evaluator(const InMemoryDataSet& data) : data_(data) {}

  Ids Root(const Model& model, const Value& domain, bool active_test) {
    const Expr expr = evaluator::ReadDomain(model, domain);
    const bool hide_archived = active_test && model.active() && !evaluator::RawNamesActive(domain);
    return Select(model, expr, active_test, hide_archived);
  }

 private:
  Ids Select(const Model& model, const Expr& expr, bool active_test, bool hide_archived) {
    Ids found;
    for (const Record& record : Table(model)) {
      if (hide_archived) {
        const Value& flag = CellOf(record, *model.active());
        if (!(flag.is_boolean() && flag.get<bool>())) continue;
      }
      if (Eval(expr, model, record, active_test) == Truth::kTrue) found.insert(record.id);
    }
    return found;
  }

  // The records of `model`, in id order.
  std::vector<Record> Table(const Model& model) {
    std::vector<Record> records;
    for (const auto& [id, cells] : data_.CellsOf(model)) records.push_back({id, &cells});
    return records;
  }
  const Value& CellOf(const Record& record, const Field& field) {
    auto [it, fresh] = positions_.try_emplace(&field, 0);
    if (fresh) {
      const auto& fields = field.model().fields();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].get() == &field) it->second = i;
      }
    }
    return (*record.cells)[it->second];
  }

  // model._search(expr) in a context whose active_test is `active_test`.
  const Ids& Search(const Model& model, const Expr& expr, bool active_test) {
    const auto key = std::make_tuple(&expr, &model, active_test);
    if (auto it = searches_.find(key); it != searches_.end()) return it->second;
    const bool hide_archived = active_test && model.active() && !evaluator::NamesActive(expr);
    return searches_.emplace(key, Select(model, expr, active_test, hide_archived)).first->second;
  }

  // A leaf the evaluator makes itself, kept alive for the caches.
  const Expr& Keep(Expr expr) { return kept_.emplace_back(std::move(expr)); }

  // Records of `model` whose display name matches, as a name search finds
  // them. Keyed by the value's address: a leaf's value, which outlives the
  // evaluation (building a text key for every record cost a third of the run
  // under the sanitizers).
  const Ids& ByName(const Model& model, const std::string& op, const Value& value, bool active_test) {
    const auto key = std::make_tuple(&value, &model, op);
    auto it = names_.find(key);
    if (it == names_.end()) {
      it = names_.emplace(key, &Keep(evaluator::MakeLeaf(*model.FindField("display_name"), op, value))).first;
    }
    return Search(model, *it->second, active_test);
  }

  Truth Eval(const Expr& expr, const Model& model, const Record& record, bool active_test) {
    switch (expr.kind) {
      case Expr::Kind::kTrue: return Truth::kTrue;
      case Expr::Kind::kFalse: return Truth::kFalse;
      case Expr::Kind::kNot: return evaluator::Not(Eval(expr.children.front(), model, record, active_test));
      case Expr::Kind::kAnd: {
        Truth all = Truth::kTrue;
        for (const auto& c : expr.children) all = std::min(all, Eval(c, model, record, active_test));
        return all;
      }
      case Expr::Kind::kOr: {
        Truth any = Truth::kFalse;
        for (const auto& c : expr.children) any = std::max(any, Eval(c, model, record, active_test));
        return any;
      }
      case Expr::Kind::kLeaf: break;
    }
    if (expr.sub) return Any(expr, record, active_test);
    return Condition(*expr.field, expr.op, expr.value, model, record, active_test);
  }

  Truth Any(const Expr& leaf, const Record& record, bool active_test) {
    const Field& field = *leaf.field;
    if (!field.stored() && !IsX2many(field.type())) Unsupported(field, "any on a non-stored relation");
    const bool any = leaf.op == "any";
    if (field.type() == FieldType::kMany2one) {
      const Ids& matching = Search(*field.comodel(), *leaf.sub, /*active_test=*/false);
      const Value& link = CellOf(record, field);
      return any ? LinkIn(link, matching) : LinkNotInOrUnset(link, matching);
    }
    return FromBool(SomeLineIn(field, record.id, Search(*field.comodel(), *leaf.sub, active_test)) == any);
  }

  Truth Condition(const Field& field, const std::string& leaf_op, const Value& value, const Model& model,
                  const Record& record, bool active_test) {
    static const std::string kEqual = "=";
    const bool or_true = leaf_op == "=?";
    if (or_true && IsUnset(value)) return Truth::kTrue;  // only false and null: "=? 0" is "= 0"
    const std::string& op = or_true ? kEqual : leaf_op;
    if (!field.def().related.empty() && !field.stored()) return Related(field, op, value, model, record);
    if (field.name() == "display_name" && !field.stored()) {
      const Field* rec_name = model.rec_name();
      if (!rec_name || rec_name == &field) Unsupported(field, "a name search without rec_name");
      return Condition(*rec_name, op, value, model, record, active_test);
    }
    if (field.computed() && !field.stored()) Unsupported(field, "a search on a non-stored computed field");
    if (op == "child_of" || op == "parent_of") return Hierarchy(field, op, value, model, record, active_test);
    if (field.type() == FieldType::kMany2one) return Many2one(field, op, value, CellOf(record, field));
    if (IsX2many(field.type())) return X2many(field, op, value, record.id, active_test);
    if (field.type() == FieldType::kBinary) Unsupported(field, "a search on a binary");
    return evaluator::ColumnCondition(field, op, value, CellOf(record, field));
  }

  Truth Many2one(const Field& field, const std::string& leaf_op, const Value& value, const Value& link) {
    if (!AreNames(value)) return evaluator::ColumnCondition(field, leaf_op, value, link);
    std::string op = leaf_op;
    // A name (or names) is looked up on the comodel; "<" and friends mean
    // "in"; a single name with in / not in is = / !=.
    if (op == "<" || op == ">" || op == "<=" || op == ">=") op = "in";
    if (!value.is_array() && op == "in") op = "=";
    if (!value.is_array() && op == "not in") op = "!=";
    if (evaluator::IsNegative(op)) {
      return LinkNotInOrUnset(link, ByName(*field.comodel(), evaluator::Opposite(op), value, false));
    }
    return LinkIn(link, ByName(*field.comodel(), op, value, false));
  }

  // The records of `model` whose many2one `link` holds each id.
  const std::map<std::int64_t, Ids>& PointingAt(const Model& model, const Field& link) {
    auto [it, fresh] = pointing_.try_emplace(&link);
    if (fresh) {
      for (const Record& record : Table(model)) {
        const Value& target = CellOf(record, link);
        if (target.is_number()) it->second[target.get<std::int64_t>()].insert(record.id);
      }
    }
    return it->second;
  }

  // A record's lines, archived or not: one2many, the comodel records whose
  // inverse points at it; many2many, the link table's targets.
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

  bool SomeLineIn(const Field& field, std::int64_t id, const Ids& set) {
    const Ids& lines = Lines(field, id);
    return std::any_of(lines.begin(), lines.end(), [&](std::int64_t l) { return set.count(l) != 0; });
  }

  Truth X2many(const Field& field, const std::string& op, const Value& value, std::int64_t id, bool active_test) {
    const Model& comodel = *field.comodel();
    const bool negative = evaluator::IsNegative(op);
    if (value.is_boolean() && !value.get<bool>()) {
      // "= false": no line. For a one2many only lines the context sees count.
      bool some = !Lines(field, id).empty();
      if (field.type() == FieldType::kOne2many) {
        auto [pointing, fresh] = pointing_leaves_.try_emplace(&field, nullptr);
        if (fresh) pointing->second = &Keep(evaluator::MakeLeaf(*field.inverse(), "!=", false));
        some = SomeLineIn(field, id, Search(comodel, *pointing->second, active_test));
      }
      return FromBool(some == negative);
    }
    if (value.is_string()) {
      const std::string lookup = negative ? evaluator::Opposite(op) : op;
      return FromBool(SomeLineIn(field, id, ByName(comodel, lookup, value, active_test)) != negative);
    }
    // The ids as lines: null (None) is no id at all; a many2many drops 0.
    auto wanted = [&](const Value& item) {
      return item.is_number_integer() && (item.get<std::int64_t>() != 0 || field.type() == FieldType::kOne2many);
    };
    bool some = false;
    for (auto line : Lines(field, id)) {
      if (value.is_array()) {
        for (const auto& item : value) some = some || (wanted(item) && item.get<std::int64_t>() == line);
      } else {
        some = some || (wanted(value) && value.get<std::int64_t>() == line);
      }
    }
    return FromBool(some != negative);
  }

  // Odoo's to_ids: an id, a name, or a list of either, as ids of `model`.
  Ids ToIds(const Value& value, const Model& model, bool active_test) {
    Ids ids;
    if (AreNames(value)) {
      auto add = [&](const Value& name) {
        const Ids& named = ByName(model, "ilike", name, active_test);
        ids.insert(named.begin(), named.end());
      };
      if (value.is_string()) add(value);
      if (value.is_array()) {
        for (const auto& name : value) add(name);
      }
      return ids;
    }
    if (value.is_boolean() && value.get<bool>()) ids.insert(1);  // Python: True is 1, False nothing
    if (value.is_number_integer() && value.get<std::int64_t>() != 0) ids.insert(value.get<std::int64_t>());
    if (value.is_array()) {
      for (const auto& item : value) ids.insert(item.get<std::int64_t>());
    }
    if (value.is_null()) throw std::invalid_argument("evaluator: child_of null");
    return ids;
  }

  // `start` and what `link` (a many2one of `model` to itself) reaches from
  // it, down to children or up to parents, archived or not.
  Ids Walk(const Model& model, const Field& link, const Ids& start, bool down) {
    Ids seen(start.begin(), start.end());
    std::deque<std::int64_t> queue(start.begin(), start.end());
    const auto& table = data_.CellsOf(model);
    while (!queue.empty()) {
      const std::int64_t current = queue.front();
      queue.pop_front();
      if (down) {
        const auto& children = PointingAt(model, link);
        if (auto it = children.find(current); it != children.end()) {
          for (auto child : it->second) {
            if (seen.insert(child).second) queue.push_back(child);
          }
        }
      } else if (auto at = table.find(current); at != table.end()) {
        const Value& up = CellOf(Record{current, &at->second}, link);
        if (up.is_number() && seen.insert(up.get<std::int64_t>()).second) queue.push_back(up.get<std::int64_t>());
      }
    }
    return seen;
  }

  Ids Existing(const Model& model, const Ids& ids) {
    Ids out;
    for (auto id : ids) {
      if (data_.Rows(model).count(id)) out.insert(id);
    }
    return out;
  }

  Truth Hierarchy(const Field& field, const std::string& op, const Value& value, const Model& model,
                  const Record& record, bool active_test) {
    const bool child_of = op == "child_of";
    const bool is_id = field.name() == "id";
    const Model& tree = is_id ? model : *field.comodel();
    const bool to_itself = !is_id && &tree == &model && field.type() != FieldType::kMany2many;
    auto [walked, fresh] = walks_.try_emplace(std::make_tuple(&value, &field, child_of, active_test));
    if (fresh) {
      // Names are looked up as the leaf's comodel is searched: a many2one's
      // with active_test off, others in the context.
      Ids start = ToIds(value, tree, field.type() == FieldType::kMany2one ? false : active_test);
      if (!child_of) start.erase(0);
      const Field* link = tree.parent();
      bool down = child_of;
      if (to_itself && field.type() == FieldType::kMany2one) link = &field;
      if (to_itself && field.type() == FieldType::kOne2many) {
        link = field.inverse();  // "records whose children are under X": up from X
        down = !child_of;
      }
      if (!link) Unsupported(field, "child_of without a parent field");
      walked->second = start.empty() ? Ids() : Walk(tree, *link, start, down);
      if (field.type() == FieldType::kMany2many && !walked->second.empty()) {
        // comodel._search([('id', 'in', walked)]) in the context: archived
        // tags drop out under active_test.
        const Expr& in = Keep(evaluator::MakeLeaf(*tree.FindField("id"), "in", Value(walked->second)));
        walked->second = Search(tree, in, active_test);
      } else if (!is_id && !to_itself) {
        walked->second = Existing(tree, walked->second);
      }
    }
    const Ids& reached = walked->second;
    if (is_id || to_itself) return FromBool(reached.count(record.id) != 0);
    if (field.type() == FieldType::kMany2one) return LinkIn(CellOf(record, field), reached);
    return FromBool(SomeLineIn(field, record.id, reached));
  }

  // fields.py's _search_related: "a.b op v" is "a in (search b op v)" with
  // active_test off, or also "a unset" when the leaf looks for unset values.
  Truth Related(const Field& field, const std::string& op, const Value& value, const Model& model,
                const Record& record) {
    const auto key = std::make_tuple(&value, &field, op);
    auto it = related_.find(key);
    if (it == related_.end()) {
      bool unset_value = IsUnset(value);
      if (value.is_array()) unset_value = std::any_of(value.begin(), value.end(), IsUnset);
      const bool may_be_unset = evaluator::IsNegative(op) != unset_value;
      it = related_.emplace(key, &Keep(RelatedDomain(field.def().related, model, op, value, may_be_unset))).first;
    }
    return Eval(*it->second, model, record, /*active_test=*/false);
  }

  Expr RelatedDomain(const std::string& path, const Model& model, const std::string& op, const Value& value,
                     bool may_be_unset) {
    const auto dot = path.find('.');
    const Field* first = model.FindField(path.substr(0, dot));
    if (!first) throw std::invalid_argument("evaluator: related path " + path);
    if (dot == std::string::npos) return evaluator::MakeLeaf(*first, op, value);
    if (first->type() != FieldType::kMany2one) Unsupported(*first, "a related path through an x2many");
    Expr in = evaluator::MakeAny(*first, "any", RelatedDomain(path.substr(dot + 1), *first->comodel(), op, value,
                                                              may_be_unset));
    if (!may_be_unset || first->def().required) return in;
    std::vector<Expr> either;
    either.push_back(std::move(in));
    either.push_back(evaluator::MakeLeaf(*first, "=", false));
    return evaluator::MakeOr(std::move(either));
  }

  const InMemoryDataSet& data_;
  std::map<std::tuple<const Expr*, const Model*, bool>, Ids> searches_;
  std::unordered_map<const Field*, std::size_t> positions_;
  std::map<const Field*, const Expr*> pointing_leaves_;  // by one2many: "inverse != false"
  std::deque<Expr> kept_;  // deque: references stay valid as it grows
  std::map<std::tuple<const Value*, const Model*, std::string>, const Expr*> names_;
  std::map<std::tuple<const Value*, const Field*, std::string>, const Expr*> related_;
  std::map<std::tuple<const Value*, const Field*, bool, bool>, Ids> walks_;
  std::map<const Field*, std::map<std::int64_t, Ids>> pointing_;  // by many2one: target -> records
  std::map<const Field*, std::map<std::int64_t, Ids>> links_;     // by many2many: record -> targets
};

}  // namespace

void InMemoryDataSet::Add(const Model& model, std::int64_t id, Row values) {
  values["id"] = id;  // the evaluator reads `id` as a column
  Cells& cells = cells_[&model][id];
  cells.clear();
  for (const auto& field : model.fields()) {
    auto it = values.find(field->name());
    cells.push_back(it == values.end() ? Value() : it->second);
  }
  rows_[&model][id] = std::move(values);
}

const std::map<std::int64_t, InMemoryDataSet::Cells>& InMemoryDataSet::CellsOf(const Model& model) const {
  static const std::map<std::int64_t, Cells> kNone;
  auto it = cells_.find(&model);
  return it == cells_.end() ? kNone : it->second;
}

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

std::set<std::int64_t> EvaluateDomain(const Model& model, const Value& domain, const InMemoryDataSet& data,
                                      bool active_test) {
  Evaluator evaluator(data);
  return evaluator.Root(model, domain, active_test);
}

}  // namespace citadel::orm::testing
